//! Shared by the test files that need well-formed random programs (`robustness.rs`,
//! `differential.rs`): a generator of programs over params, inputs, vars and outputs with
//! runtime `if`s, `match`es, runtime indices, bitwise operators, `from_bits`, `observe`s and
//! (when the shape asks) `minimize`, and examples computed for them by the interpreter, bit
//! inputs written with `bits(..)`.
// Each test file uses part of this module.
#![allow(dead_code)]

use tpt::check::CheckOptions;
use tpt::diagnostics::{render_to_string, Neutral, SourceMap};
use tpt::interp::run_example;
use tpt::limits::Limits;
use tpt::pipeline::compile;

/// Limits small enough that a generated or mutated program over them is refused quickly
/// instead of run.
pub fn small_limits() -> Limits {
    Limits {
        max_depth: 48,
        max_unroll: 20_000,
        max_enum: 1 << 12,
        max_enum_total: 1 << 20,
        max_elements: 1 << 12,
        max_domain: 256,
        max_examples: 500,
        max_example_values: 1 << 20,
        max_nodes: 20_000,
        max_memory_mib: 64,
    }
}

/// A small deterministic random source (xorshift), seeded by proptest.
pub struct Dice(pub u64);

impl Dice {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A declared array of the generated program: name, kind keyword, dimensions (none for a
/// scalar) and domain.
pub struct Declared {
    name: String,
    kind: &'static str,
    dims: Vec<u64>,
    domain: u64,
}

/// How large the generated programs are.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Arrays of each kind (params, inputs, vars, outputs), at most 3: a scalar, then a 1-D
    /// array of 2 or 3 elements, then a 2-D array of 2 by 2 or 3.
    pub arrays: [u64; 4],
    /// Domains are `2 + (a number below this)`.
    pub domain_spread: u64,
    /// Top-level statements after the first assignments: `2 + (a number below this)`.
    pub statements: u64,
    /// Whether some programs get `minimize` statements over their params.
    pub objective: bool,
}

impl Shape {
    /// The shape the robustness tests use.
    pub const FULL: Shape = Shape { arrays: [3, 3, 3, 3], domain_spread: 3, statements: 4, objective: true };
}

pub struct Generator {
    dice: Dice,
    shape: Shape,
    arrays: Vec<Declared>,
    loop_vars: Vec<(String, u64)>,
    /// The kinds of arrays expressions may read (only params and inputs while the vars and
    /// outputs get their first values).
    readable: &'static [&'static str],
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator::with_shape(seed, Shape::FULL)
    }

    pub fn with_shape(seed: u64, shape: Shape) -> Self {
        let mut dice = Dice(seed | 1);
        let mut arrays = Vec::new();
        for ((kind, prefix), count) in
            [("param", "p"), ("input", "x"), ("var", "v"), ("output", "y")].into_iter().zip(shape.arrays)
        {
            for n in 0..count.min(3) {
                let dims = match n {
                    0 => Vec::new(),
                    1 => vec![2 + dice.below(2)],
                    _ => vec![2, 2 + dice.below(2)],
                };
                arrays.push(Declared {
                    name: format!("{prefix}{n}"),
                    kind,
                    dims,
                    domain: 2 + dice.below(shape.domain_spread),
                });
            }
        }
        Generator { dice, shape, arrays, loop_vars: Vec::new(), readable: &["param", "input", "var", "output"] }
    }

    fn declarations(&self) -> String {
        let mut text = String::new();
        for a in &self.arrays {
            let dims: String = a.dims.iter().map(|d| format!("[{d}]")).collect();
            text.push_str(&format!("{} {}{dims}: {};\n", a.kind, a.name, a.domain));
        }
        text
    }

    /// An index into an array of length `len`: constant (sometimes out of range), a loop
    /// variable, or a runtime value.
    fn index(&mut self, len: u64, depth: u32) -> String {
        match self.dice.below(20) {
            0..=7 => {
                let past_the_end = u64::from(self.dice.chance(2));
                self.dice.below(len + past_the_end).to_string()
            }
            8..=11 if self.loop_vars.iter().any(|&(_, count)| count <= len) => {
                let fitting: Vec<&String> =
                    self.loop_vars.iter().filter(|&&(_, count)| count <= len).map(|(name, _)| name).collect();
                self.dice.pick(&fitting).to_string()
            }
            8..=18 => format!("({}) % {len}", self.expr(depth + 1)),
            // A raw runtime value, which may select out of range.
            _ => self.read(depth + 1, self.readable),
        }
    }

    fn read(&mut self, depth: u32, kinds: &[&str]) -> String {
        self.element(depth, kinds).0
    }

    /// An element of an array of one of `kinds`, with the array's domain.
    fn element(&mut self, depth: u32, kinds: &[&str]) -> (String, u64) {
        let candidates: Vec<usize> = (0..self.arrays.len()).filter(|&i| kinds.contains(&self.arrays[i].kind)).collect();
        let chosen = *self.dice.pick(&candidates);
        let (mut text, dims, domain) =
            (self.arrays[chosen].name.clone(), self.arrays[chosen].dims.clone(), self.arrays[chosen].domain);
        for len in dims {
            text.push_str(&format!("[{}]", self.index(len, depth)));
        }
        (text, domain)
    }

    fn expr(&mut self, depth: u32) -> String {
        if depth >= 3 || self.dice.chance(35) {
            return match self.dice.below(6) {
                0 => self.dice.below(4).to_string(),
                1 if !self.loop_vars.is_empty() => self.dice.pick(&self.loop_vars).0.clone(),
                _ => self.read(depth, self.readable),
            };
        }
        match self.dice.below(9) {
            0..=3 => {
                let op = *self
                    .dice
                    .pick(&["+", "-", "*", "/", "%", "==", "!=", "<", "<=", "&&", "||", "&", "|", "^", "<<", ">>"]);
                let (a, b) = (self.expr(depth + 1), self.expr(depth + 1));
                // Most divisors are kept away from zero, so that not every division is refused,
                // and most shifts are by less than 3 bits, so that not every shift leaves the
                // domain.
                if matches!(op, "/" | "%") && self.dice.chance(80) {
                    format!("({a} {op} ({b} % 3 + 1))")
                } else if matches!(op, "<<" | ">>") && self.dice.chance(80) {
                    format!("({a} {op} ({b} % 3))")
                } else {
                    format!("({a} {op} {b})")
                }
            }
            4 if self.dice.chance(25) => format!("(~{} & 3)", self.expr(depth + 1)),
            4 => format!("!{}", self.expr(depth + 1)),
            5 => format!(
                "(if {} {{ {} }} else {{ {} }})",
                self.expr(depth + 1),
                self.expr(depth + 1),
                self.expr(depth + 1)
            ),
            6 => {
                let wildcard =
                    if self.dice.chance(80) { format!(", _ => {}", self.expr(depth + 1)) } else { String::new() };
                format!(
                    "(match {} {{ 0 => {}, 1 | 2 => {}{wildcard} }})",
                    self.expr(depth + 1),
                    self.expr(depth + 1),
                    self.expr(depth + 1)
                )
            }
            7 if self.dice.chance(40) => self.number_of_bits(depth).unwrap_or_else(|| "0".to_string()),
            _ => {
                let domain = 2 + self.dice.below(3);
                format!("(({}) % {domain})", self.expr(depth + 1))
            }
        }
    }

    /// `from_bits` of a readable array of bits (a 1-D one, or a row of a 2-D one), if any.
    fn number_of_bits(&mut self, depth: u32) -> Option<String> {
        let candidates: Vec<usize> = (0..self.arrays.len())
            .filter(|&i| {
                let a = &self.arrays[i];
                self.readable.contains(&a.kind) && a.domain == 2 && !a.dims.is_empty()
            })
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let chosen = *self.dice.pick(&candidates);
        let (name, dims) = (self.arrays[chosen].name.clone(), self.arrays[chosen].dims.clone());
        let rows: String =
            dims[..dims.len() - 1].iter().map(|&len| format!("[{}]", self.index(len, depth + 1))).collect();
        Some(format!("from_bits({name}{rows})"))
    }

    fn assignment(&mut self, depth: u32) -> String {
        let (target, domain) = self.element(depth, &["var", "output"]);
        let value = self.expr(depth);
        if self.dice.chance(85) {
            format!("{target} = ({value}) % {domain};\n")
        } else {
            format!("{target} = {value};\n")
        }
    }

    fn block(&mut self, depth: u32) -> String {
        let count = 1 + self.dice.below(3);
        (0..count).map(|_| self.stmt(depth + 1)).collect()
    }

    fn stmt(&mut self, depth: u32) -> String {
        if depth >= 3 {
            return self.assignment(depth);
        }
        match self.dice.below(10) {
            0..=3 => self.assignment(depth),
            4..=5 => {
                let condition = self.expr(depth + 1);
                let then = self.block(depth);
                let otherwise =
                    if self.dice.chance(50) { format!(" else {{\n{}}}", self.block(depth)) } else { String::new() };
                format!("if {condition} {{\n{then}}}{otherwise}\n")
            }
            6 => {
                let scrutinee = self.expr(depth + 1);
                let (a, b) = (self.block(depth), self.block(depth));
                let rest =
                    if self.dice.chance(50) { format!("_ => {{\n{}}}\n", self.block(depth)) } else { String::new() };
                format!("match {scrutinee} {{\n0 => {{\n{a}}}\n1 | 2 => {{\n{b}}}\n{rest}}}\n")
            }
            7 => {
                let name = format!("i{}", self.loop_vars.len());
                let count = 1 + self.dice.below(3);
                self.loop_vars.push((name.clone(), count));
                let body = self.block(depth);
                self.loop_vars.pop();
                format!("for {name} in 0..{count} {{\n{body}}}\n")
            }
            _ => format!("observe {};\n", self.expr(depth + 1)),
        }
    }

    /// A whole program without examples.
    pub fn program(&mut self) -> String {
        let mut text = self.declarations();
        self.readable = &["param", "input"];
        // Most programs give every var and output a first value, so that reads before
        // assignment do not reject nearly all of them.
        for i in 0..self.arrays.len() {
            let (kind, name, dims) = (self.arrays[i].kind, self.arrays[i].name.clone(), self.arrays[i].dims.clone());
            if !matches!(kind, "var" | "output") || self.dice.chance(3) {
                continue;
            }
            let domain = self.arrays[i].domain;
            let value = self.read(2, &["param", "input"]);
            match dims[..] {
                [] => text.push_str(&format!("{name} = ({value}) % {domain};\n")),
                [n] => text.push_str(&format!("for k in 0..{n} {{ {name}[k] = ({value} + k) % {domain}; }}\n")),
                _ => text.push_str(&format!(
                    "for k in 0..{} {{ for l in 0..{} {{ {name}[k][l] = ({value} + k + l) % {domain}; }} }}\n",
                    dims[0], dims[1]
                )),
            }
        }
        self.readable = &["param", "input", "var", "output"];
        for _ in 0..2 + self.dice.below(self.shape.statements) {
            text.push_str(&self.stmt(0));
        }
        if self.shape.objective && self.dice.chance(40) {
            text.push_str(&self.objective());
        }
        text
    }

    /// One or two `minimize` statements over the params, at the top level (where an objective
    /// may stand): an element, an element compared with a value, or a sum of two, some in a
    /// loop over a param array.
    fn objective(&mut self) -> String {
        let mut text = String::new();
        if !self.arrays.iter().any(|a| a.kind == "param") {
            return text;
        }
        for _ in 0..1 + self.dice.below(2) {
            let (a, _) = self.constant_element("param");
            let term = match self.dice.below(4) {
                0 => a,
                1 => format!("{a} != {}", self.dice.below(3)),
                2 => format!("{a} + {}", self.constant_element("param").0),
                _ => {
                    let rows: Vec<usize> = (0..self.arrays.len())
                        .filter(|&i| self.arrays[i].kind == "param" && self.arrays[i].dims.len() == 1)
                        .collect();
                    let Some(&row) = rows.first() else { continue };
                    let (name, len) = (self.arrays[row].name.clone(), self.arrays[row].dims[0]);
                    text.push_str(&format!("for g in 0..{len} {{ minimize {name}[g] == 1; }}\n"));
                    continue;
                }
            };
            text.push_str(&format!("minimize {term};\n"));
        }
        text
    }

    /// An element of an array of `kind` at constant indices in range, with its domain.
    fn constant_element(&mut self, kind: &str) -> (String, u64) {
        let candidates: Vec<usize> = (0..self.arrays.len()).filter(|&i| self.arrays[i].kind == kind).collect();
        let chosen = *self.dice.pick(&candidates);
        let (mut text, dims, domain) =
            (self.arrays[chosen].name.clone(), self.arrays[chosen].dims.clone(), self.arrays[chosen].domain);
        for len in dims {
            text.push_str(&format!("[{}]", self.dice.below(len)));
        }
        (text, domain)
    }
}

pub fn compile_text(text: &str) -> Result<tpt::pipeline::Compiled, String> {
    let mut sources = SourceMap::new();
    let main = sources.add("generated.tpt", text.to_string());
    let options = CheckOptions { limits: small_limits(), ..CheckOptions::default() };
    compile(&sources, main, None, &options).map_err(|diagnostics| render_to_string(&diagnostics, &sources, &Neutral))
}

/// Random param values for every param element of `program`.
pub fn random_params(program: &tpt::program::Program, dice: &mut Dice) -> tpt::interp::ParamValues {
    let mut values = vec![Vec::new(); program.arrays.len()];
    for (id, array) in program.params() {
        values[id] = (0..array.len()).map(|_| dice.below(u64::from(array.domain)) as u32).collect();
    }
    values.into()
}

/// An example with random inputs and no observations.
pub fn random_inputs(program: &tpt::program::Program, dice: &mut Dice) -> tpt::program::ExampleData {
    let values = program
        .arrays
        .iter()
        .map(|array| {
            (array.kind == tpt::ast::DeclKind::Input)
                .then(|| (0..array.len()).map(|_| Some(dice.below(u64::from(array.domain)) as u32)).collect())
        })
        .collect();
    tpt::program::ExampleData {
        source: 0,
        span: Default::default(),
        label: "generated".to_string(),
        values,
        reals: vec![None; program.arrays.len()],
        entry_spans: vec![None; program.arrays.len()],
    }
}

/// `1`, `[1, _, 0]` or `[[1, 0], [_, 1]]` for an example block; a row of bits given in full
/// (an input's of domain 2) is `bits(v, n)` when `bits` is set.
pub fn example_value(values: &[Option<i64>], dims: &[usize], bits: bool) -> String {
    if bits && dims.len() == 1 && values.iter().all(|v| matches!(v, Some(0 | 1))) {
        let number = values.iter().fold(0i64, |acc, v| acc * 2 + v.unwrap_or(0));
        return format!("bits({number}, {})", dims[0]);
    }
    match dims.split_first() {
        None => values[0].map_or("_".to_string(), |v| v.to_string()),
        Some((_, rest)) => {
            let block: usize = rest.iter().product();
            let parts: Vec<String> = values.chunks(block).map(|chunk| example_value(chunk, rest, bits)).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

/// The outputs the interpreter computes for `example`'s inputs with `params` (indexed by
/// array; empty for non-outputs); `Err` names the run-time error (a bug: an accepted program
/// has none).
pub fn computed_outputs(
    program: &tpt::program::Program,
    params: &tpt::interp::ParamValues,
    example: &tpt::program::ExampleData,
) -> Result<Vec<Vec<Option<i64>>>, String> {
    let outcome = run_example(program, params, example, small_limits().max_unroll);
    if let Some(tpt::interp::Failure::Error(error)) =
        outcome.failures.iter().find(|f| matches!(f, tpt::interp::Failure::Error(_)))
    {
        return Err(format!(
            "an accepted program fails at run time ({}) with params {params:?}",
            error.describe(program)
        ));
    }
    Ok(outcome.outputs)
}

/// The `example { .. }` block giving `example`'s inputs and these outputs.
pub fn example_block(
    program: &tpt::program::Program,
    example: &tpt::program::ExampleData,
    outputs: &[Vec<Option<i64>>],
) -> String {
    let mut entries = String::new();
    for (id, array) in program.arrays.iter().enumerate() {
        let values: Vec<Option<i64>> = match array.kind {
            tpt::ast::DeclKind::Input => (0..array.len()).map(|f| Some(i64::from(example.input(id, f)))).collect(),
            tpt::ast::DeclKind::Output => outputs[id].clone(),
            _ => continue,
        };
        if values.iter().all(Option::is_none) {
            continue;
        }
        let bits = array.kind == tpt::ast::DeclKind::Input && array.domain == 2;
        entries.push_str(&format!("{} = {}; ", array.name, example_value(&values, &array.dims, bits)));
    }
    format!("example {{ {entries}}}\n")
}

/// The example block of `example`'s inputs and the outputs the interpreter computes from them
/// with `params`.
pub fn computed_example(
    program: &tpt::program::Program,
    params: &tpt::interp::ParamValues,
    example: &tpt::program::ExampleData,
) -> Result<String, String> {
    Ok(example_block(program, example, &computed_outputs(program, params, example)?))
}
