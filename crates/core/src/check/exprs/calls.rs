//! Calls -> checked expressions: calls of declared `fn`s checked against their arity and
//! argument types, the built-in functions of numbers (`abs`, `min`, `max`, `round(x, D)`),
//! and `from_bits` read as the elements of an array row.

use super::{indices_given, promote};
use crate::check::{Checker, Symbol};
use crate::program::*;
use tpt_source::diagnostics::{agreeing, plural, Diagnostic, Setting, Text};
use tpt_source::span::Span;
use tpt_syntax::ast;

impl Checker<'_> {
    pub(in crate::check) fn call(&mut self, func: &ast::Ident, args: &[ast::Expr], span: Span) -> Option<Expr> {
        // A `fn` the program declares keeps its name's meaning; the built-in functions of
        // numbers are the names no `fn` takes.
        let declared = self.names.contains_key(&func.name);
        if !declared {
            if let Some(builtin) = Builtin::named(&func.name) {
                return self.builtin(builtin, func, args, span);
            }
            if func.name == Builtin::ROUND {
                return self.round(func, args, span);
            }
        }
        match func.name.as_str() {
            FROM_BITS => return self.number_of_bits(args, span),
            BITS => {
                self.error(
                    Diagnostic::error("`bits(v, n)` is a list, not a number")
                        .with_label(span, "the n bits of v, as a list")
                        .with_help("`bits(v, n)` gives the whole value of an array in an example or a param binding (`x = bits(5, 4);`); in an expression, bit `i` (0 the least significant) of `v` is `v >> i & 1`"),
                );
                return None;
            }
            _ => {}
        }
        let resolved = self.exprs(args);
        self.record_use(func);
        let Some(&(symbol, declared)) = self.names.get(&func.name) else {
            self.unknown_name(func);
            return None;
        };
        if let Symbol::Poisoned = symbol {
            return None;
        }
        let Symbol::Fn(id) = symbol else {
            self.error(
                Diagnostic::error(format!("`{}` is not a function", func.name))
                    .with_label(func.span, "called here")
                    .with_secondary(declared, "declared here"),
            );
            return None;
        };
        let arity = self.program.fns[id].params.len();
        if args.len() != arity {
            self.error(
                Diagnostic::error(format!(
                    "`{}` takes {} but {} {} given",
                    func.name,
                    plural(arity, "argument"),
                    args.len(),
                    agreeing(args.len(), "was", "were")
                ))
                .with_label(span, "wrong number of arguments")
                .with_secondary(self.program.fns[id].name_span, "declared here"),
            );
            return None;
        }
        let resolved = self.integers(
            resolved?,
            &format!("the arguments of `{}` are integers", func.name),
            "a `fn` takes values of finite domains; round the real first with `round(x, D)`",
        )?;
        Some(Expr::at(ExprKind::Call { func: id, args: resolved }, span))
    }

    /// `abs(a)`, `min(a, b)`, `max(a, b)`: on integers, or on reals when an argument is real.
    fn builtin(&mut self, builtin: Builtin, func: &ast::Ident, args: &[ast::Expr], span: Span) -> Option<Expr> {
        let resolved = self.exprs(args);
        if args.len() != builtin.arity() {
            self.error(
                Diagnostic::error(format!(
                    "`{}` takes {} but {} {} given",
                    func.name,
                    plural(builtin.arity(), "argument"),
                    args.len(),
                    agreeing(args.len(), "was", "were")
                ))
                .with_label(span, "wrong number of arguments"),
            );
            return None;
        }
        let mut args = resolved?;
        let program = &self.program;
        if args.iter().any(|a| a.is_real(program)) {
            args.iter_mut().for_each(|a| promote(program, a));
            return Some(Expr::at(ExprKind::RealOp { op: builtin.real_op(), args }, span));
        }
        Some(Expr::at(ExprKind::Builtin { func: builtin, args }, span))
    }

    /// `round(x, D)`: a real rounded to the nearest integer and kept within `0..D`.
    fn round(&mut self, func: &ast::Ident, args: &[ast::Expr], span: Span) -> Option<Expr> {
        let usage =
            "`round(x, D)` rounds the real x to the nearest integer (halves away from zero) and keeps it within 0..D";
        let [value, domain] = args else {
            self.error(
                Diagnostic::error(format!(
                    "`{}` takes 2 arguments but {} {} given",
                    func.name,
                    args.len(),
                    agreeing(args.len(), "was", "were")
                ))
                .with_label(span, "wrong number of arguments")
                .with_help(usage),
            );
            return None;
        };
        let value = self.expr(value);
        let domain = self.constant_expr(domain, "the domain of `round(x, D)`");
        let mut value = value?;
        promote(&self.program, &mut value);
        let domain = domain?;
        if !domain.uses_loop_var() {
            let size = self.evaluate(&domain, &[])?;
            if size < 1 || size as u64 > self.limits.max_domain {
                self.error(
                    Diagnostic::error(format!("`round(x, D)` into a domain of size {size}"))
                        .with_label(domain.span, format!("this is {size}"))
                        .with_help(
                            Text::from(format!("D must be between 1 and {} (", self.limits.max_domain))
                                + Setting::MaxDomain.mention()
                                + ")",
                        ),
                );
                return None;
            }
        }
        Some(Expr::at(ExprKind::Round { operand: Box::new(value), domain: Box::new(domain) }, span))
    }
}

/// The built-in functions: `bits(v, n)` (a list value, see `check::examples`) and
/// `from_bits(a)` (an expression).
pub(in crate::check) const BITS: &str = "bits";
pub(in crate::check) const FROM_BITS: &str = "from_bits";

/// The most elements `from_bits` reads: the number must fit in a signed 64-bit integer.
const MAX_BITS: usize = 63;

impl Checker<'_> {
    /// `from_bits(a)` or `from_bits(m[i])`: the elements of a one-dimensional array of bits,
    /// or of a row of a larger one, read as one binary number, most significant first.
    fn number_of_bits(&mut self, args: &[ast::Expr], span: Span) -> Option<Expr> {
        let usage = "`from_bits(a)` takes an array of bits (or a row `m[i]` of a larger one) and gives the number they spell, most significant bit first";
        let [arg] = args else {
            self.error(
                Diagnostic::error(format!(
                    "`from_bits` takes 1 argument but {} {} given",
                    args.len(),
                    agreeing(args.len(), "was", "were")
                ))
                .with_label(span, "wrong number of arguments")
                .with_help(usage),
            );
            return None;
        };
        let (base, indices) = match &arg.kind {
            ast::ExprKind::Name(name) => (name, &[][..]),
            ast::ExprKind::Index { base, indices } => (base, indices.as_slice()),
            _ => {
                self.error(
                    Diagnostic::error("`from_bits` needs an array")
                        .with_label(arg.span, "not an array")
                        .with_help(usage),
                );
                return None;
            }
        };
        self.record_use(base);
        let array = match self.names.get(&base.name) {
            _ if self.loop_vars.iter().any(|(n, _)| *n == base.name)
                || self.fn_params.as_ref().is_some_and(|p| p.iter().any(|(n, _)| *n == base.name)) =>
            {
                None
            }
            Some(&(Symbol::Array(id), _)) => Some(id),
            Some(&(Symbol::Poisoned, _)) => return None,
            Some(_) => None,
            None => {
                self.unknown_name(base);
                return None;
            }
        };
        let Some(array) = array else {
            self.error(
                Diagnostic::error(format!("`from_bits` needs an array, and `{}` is not one", base.name))
                    .with_label(arg.span, "not an array")
                    .with_help(usage),
            );
            return None;
        };
        let resolved = self.exprs(indices)?;
        let info = &self.program.arrays[array];
        let (name, dims, domain, declared) = (info.name.clone(), info.dims.clone(), info.domain, info.name_span);
        if dims.len() != resolved.len() + 1 {
            let (message, help) = match dims.len() {
                0 => (format!("`from_bits` needs an array, and `{name}` is a scalar"), usage.to_string()),
                n => {
                    let wanted = n - 1;
                    (
                        format!(
                            "`from_bits` reads a row of `{name}`, which has {}: it needs {wanted} {} but {}",
                            plural(n, "dimension"),
                            agreeing(wanted, "index", "indices"),
                            indices_given(resolved.len())
                        ),
                        format!("give every index but the last: `from_bits({name}{})`", "[..]".repeat(wanted)),
                    )
                }
            };
            self.error(
                Diagnostic::error(message)
                    .with_label(arg.span, "not a row of bits")
                    .with_secondary(declared, "declared here")
                    .with_help(help),
            );
            return None;
        }
        if domain > 2 || self.program.arrays[array].real {
            let domain = self.program.arrays[array].domain_text().replace("0..", "values 0..");
            let domain = if domain == "real" { "real values".to_string() } else { domain };
            self.error(
                Diagnostic::error(format!("`from_bits` reads bits, and `{name}` takes {domain}"))
                    .with_label(arg.span, "not an array of bits")
                    .with_secondary(declared, "declared here")
                    .with_help(format!("{usage}; declare `{name}` with domain `bool`")),
            );
            return None;
        }
        let length = dims[dims.len() - 1];
        if length > MAX_BITS {
            self.error(
                Diagnostic::error(format!("`from_bits` of {length} bits does not fit in a 64-bit integer"))
                    .with_label(arg.span, format!("{length} bits"))
                    .with_secondary(declared, "declared here")
                    .with_help(format!("numbers are signed 64-bit: `from_bits` reads at most {MAX_BITS} bits")),
            );
            return None;
        }
        self.check_constant_indices(array, &resolved);
        let elements = (0..length)
            .map(|position| {
                let mut indices = resolved.clone();
                indices.push(Expr::at(ExprKind::Int(position as i64), arg.span));
                Expr::at(ExprKind::Elem { array, indices }, arg.span)
            })
            .collect();
        Some(Expr::at(ExprKind::FromBits { elements }, span))
    }
}
