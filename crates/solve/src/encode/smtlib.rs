//! Finite-domain model -> SMT-LIB 2 text: params declared as bit-vectors or bounded
//! integers, every other value defined as an `ite` term, observations asserted, and z3's
//! `minimize` goals when optimizing.

use std::fmt::Write as _;

use super::{Constraint, Model, Term, VarId};

/// The SMT-LIB 2 name of a model variable: `|gate[0]|` for params, `n12_e3` for nodes.
pub fn smt_name(model: &Model, var: VarId) -> String {
    let name = &model.vars[var].name;
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        name.clone()
    } else {
        format!("|{name}|")
    }
}

/// How the SMT-LIB text represents finite-domain values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SmtSort {
    /// Bit-vectors just wide enough for each variable's values: the solver bit-blasts them to
    /// SAT, which measured 1.2 to 1.6x faster than integers on the circuits and turned the
    /// 16-example 2-bit adder from over 300 s into about 30 s with z3 (docs/backends.md).
    #[default]
    BitVec,
    /// Bounded integers (linear integer arithmetic).
    Int,
}

/// Writes one model in one sort.
struct SmtWriter<'a> {
    model: &'a Model,
    sort: SmtSort,
    /// For z3's optimizer: the number of examples that may fail (each example's observations
    /// then hold under a selector of its own), and whether to minimize the objective.
    goal: Option<(usize, bool)>,
}

impl SmtWriter<'_> {
    /// Bits of a variable's bit-vector: enough for its largest value.
    fn width(&self, var: VarId) -> u32 {
        let largest = self.model.vars[var].values.last().copied().unwrap_or(0);
        (u32::BITS - largest.leading_zeros()).max(1)
    }

    fn sort_of(&self, var: VarId) -> String {
        match self.sort {
            SmtSort::Int => "Int".to_string(),
            SmtSort::BitVec => format!("(_ BitVec {})", self.width(var)),
        }
    }

    /// A literal of `var`'s sort.
    fn literal(&self, value: u32, var: VarId) -> String {
        match self.sort {
            SmtSort::Int => value.to_string(),
            SmtSort::BitVec => format!("(_ bv{value} {})", self.width(var)),
        }
    }

    /// `term` as a value of `target`'s sort.
    fn term_as(&self, term: Term, target: VarId) -> String {
        match term {
            Term::Known(value) => self.literal(value, target),
            Term::Var(var) => {
                let name = smt_name(self.model, var);
                let (have, want) = (self.width(var), self.width(target));
                match self.sort {
                    SmtSort::BitVec if have < want => format!("((_ zero_extend {}) {name})", want - have),
                    SmtSort::BitVec if have > want => format!("((_ extract {} 0) {name})", want - 1),
                    _ => name,
                }
            }
        }
    }

    fn equals(&self, var: VarId, value: u32) -> String {
        format!("(= {} {})", smt_name(self.model, var), self.literal(value, var))
    }

    /// The constraint that a param takes one of its values.
    fn membership(&self, var: VarId) -> String {
        let values = &self.model.vars[var].values;
        let name = smt_name(self.model, var);
        let contiguous = values.windows(2).all(|w| w[1] == w[0] + 1);
        let le = match self.sort {
            SmtSort::Int => "<=",
            SmtSort::BitVec => "bvule",
        };
        match values[..] {
            [] => "false".to_string(),
            [only] => self.equals(var, only),
            // Bit-vectors are unsigned: no lower bound needed from zero.
            [0, .., last] if contiguous && self.sort == SmtSort::BitVec => {
                format!("({le} {name} {})", self.literal(last, var))
            }
            [first, .., last] if contiguous => {
                format!("(and ({le} {} {name}) ({le} {name} {}))", self.literal(first, var), self.literal(last, var))
            }
            _ => {
                let options: Vec<String> = values.iter().map(|&v| self.equals(var, v)).collect();
                format!("(or {})", options.join(" "))
            }
        }
    }

    /// An `ite` term giving a table's result: combinations grouped by result value, the most
    /// frequent result last (the default branch).
    fn table_term(&self, target: VarId, operands: &[VarId], results: &[u32]) -> String {
        let model = self.model;
        let sizes: Vec<usize> = operands.iter().map(|&o| model.vars[o].values.len()).collect();
        let mut groups: Vec<(u32, Vec<String>)> = Vec::new();
        let mut position = vec![0usize; operands.len()];
        for &result in results {
            let parts: Vec<String> =
                operands.iter().zip(&position).map(|(&o, &p)| self.equals(o, model.vars[o].values[p])).collect();
            let condition = if parts.len() == 1 { parts[0].clone() } else { format!("(and {})", parts.join(" ")) };
            match groups.iter_mut().find(|(r, _)| *r == result) {
                Some((_, list)) => list.push(condition),
                None => groups.push((result, vec![condition])),
            }
            for (p, &size) in position.iter_mut().zip(&sizes).rev() {
                *p += 1;
                if *p < size {
                    break;
                }
                *p = 0;
            }
        }
        groups.sort_by_key(|(_, list)| list.len());
        let Some((default, _)) = groups.pop() else { return self.literal(0, target) };
        let mut text = self.literal(default, target);
        for (result, conditions) in groups.iter().rev() {
            let condition =
                if conditions.len() == 1 { conditions[0].clone() } else { format!("(or {})", conditions.join(" ")) };
            text = format!("(ite {condition} {} {text})", self.literal(*result, target));
        }
        text
    }

    fn mix_term(&self, target: VarId, selector: VarId, choices: &[(u32, Term)]) -> String {
        let mut text = choices.last().map_or_else(|| self.literal(0, target), |&(_, t)| self.term_as(t, target));
        for &(k, t) in choices.iter().rev().skip(1) {
            text = format!("(ite {} {} {text})", self.equals(selector, k), self.term_as(t, target));
        }
        text
    }

    fn write(&self) -> String {
        let model = self.model;
        let mut out = String::new();
        let kind = match self.sort {
            SmtSort::Int => "bounded integers",
            SmtSort::BitVec => "bit-vectors",
        };
        let _ = writeln!(out, "; generated by tpt: params are {kind} shared by all examples");
        // No `set-logic`: z3 and cvc5 then pick their strategy themselves, which measured faster
        // on the circuit tasks than declaring QF_LIA or QF_BV.
        let _ = writeln!(out, "(set-option :produce-models true)");
        for &param in &model.params {
            let _ = writeln!(out, "(declare-fun {} () {})", smt_name(model, param), self.sort_of(param));
            let _ = writeln!(out, "(assert {})", self.membership(param));
        }
        let mut definitions: Vec<Option<String>> = vec![None; model.vars.len()];
        let mut facts = Vec::new();
        let allowance = self.goal.map_or(0, |(n, _)| n);
        let guarded = |example: usize, fact: String| match allowance {
            0 => fact,
            _ => format!("(=> selected_{example} {fact})"),
        };
        for constraint in &model.constraints {
            match constraint {
                Constraint::False { example } => facts.push(guarded(*example, "false".to_string())),
                Constraint::Fix { var, value, example } => facts.push(guarded(*example, self.equals(*var, *value))),
                Constraint::Table { out: target, operands, results } => {
                    definitions[*target] = Some(self.table_term(*target, operands, results));
                }
                Constraint::Mix { out: target, selector, choices } => {
                    definitions[*target] = Some(self.mix_term(*target, *selector, choices));
                }
            }
        }
        // Variables are created in topological order, so definitions can be emitted in order.
        for (var, definition) in definitions.iter().enumerate() {
            if let Some(definition) = definition {
                let _ = writeln!(out, "(define-fun {} () {} {definition})", smt_name(model, var), self.sort_of(var));
            }
        }
        if allowance > 0 {
            for example in 0..model.num_examples {
                let _ = writeln!(out, "(declare-fun selected_{example} () Bool)");
            }
        }
        for fact in facts {
            let _ = writeln!(out, "(assert {fact})");
        }
        if let Some((allowance, objective)) = self.goal {
            self.write_goal(&mut out, allowance, objective);
        }
        let _ = writeln!(out, "(check-sat)");
        let params: Vec<String> = model.params.iter().map(|&p| smt_name(model, p)).collect();
        if !params.is_empty() {
            let _ = writeln!(out, "(get-value ({}))", params.join(" "));
        }
        out
    }
}

impl SmtWriter<'_> {
    /// The objectives of z3's optimizer, in order (z3 optimizes them lexicographically): the
    /// number of examples switched off (at most `allowance`), then the objective's terms.
    fn write_goal(&self, out: &mut String, allowance: usize, objective: bool) {
        if allowance > 0 {
            let mut dropped = Vec::new();
            for example in 0..self.model.num_examples {
                dropped.push(format!("(ite selected_{example} 0 1)"));
            }
            let sum = if dropped.is_empty() { "0".to_string() } else { format!("(+ 0 {})", dropped.join(" ")) };
            let _ = writeln!(out, "(assert (<= {sum} {allowance}))");
            let _ = writeln!(out, "(minimize {sum})");
        }
        if objective {
            // The constant part too, so that the value z3 reports is the program's cost.
            let mut constant = i128::from(self.model.objective_offset);
            let mut terms = Vec::new();
            for term in &self.model.objective {
                match *term {
                    Term::Known(value) => constant += i128::from(value),
                    Term::Var(var) => terms.push(match self.sort {
                        SmtSort::Int => smt_name(self.model, var),
                        SmtSort::BitVec => format!("(bv2nat {})", smt_name(self.model, var)),
                    }),
                }
            }
            let constant = match constant {
                negative if negative < 0 => format!("(- {})", negative.unsigned_abs()),
                other => other.to_string(),
            };
            let sum = match terms.is_empty() {
                true => constant,
                false => format!("(+ {constant} {})", terms.join(" ")),
            };
            let _ = writeln!(out, "(minimize {sum})");
        }
    }
}

/// The model as `smt2` writes it, with z3's optimization goals (`minimize`) before the
/// `check-sat`: the fewest examples switched off (at most `allowance`), then, with `objective`,
/// the objective (the program's cost, its constant part included).
pub fn smt2_optimize(model: &Model, sort: SmtSort, allowance: usize, objective: bool) -> String {
    SmtWriter { model, sort, goal: Some((allowance, objective)) }.write()
}

/// The model in SMT-LIB 2: params as declared constants of `sort` shared by all examples,
/// every other value defined (`define-fun`) as an `ite` term over the values it depends on, so
/// that the solver sees only the params as unknowns; observations asserted.
pub fn smt2(model: &Model, sort: SmtSort) -> String {
    SmtWriter { model, sort, goal: None }.write()
}
