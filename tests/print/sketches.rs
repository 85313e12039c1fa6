//! Random sketches that check: a seed -> the source of a small program that uses params in
//! every position the printer treats specially (conditions, scrutinees, indices, loops whose
//! iterations differ or agree, `observe`s, call arguments that pick a function's arm) around
//! bool vars, so that every expression stays in its domain and every read follows a write.

/// xorshift: small, deterministic, enough for choosing among a few cases.
pub struct Random(pub u64);

impl Random {
    pub fn below(&mut self, n: u32) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as u32
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }
}

/// `N` is the size of `x`, `v`, `y` and the domain of `p` and `k`; `M` the size of the
/// params `p` and `b`.
const PRELUDE: &str = "\
const N = 3;
const M = 4;

fn gate(op: N, a: bool, b: bool) -> bool { match op { 0 => a && b, 1 => a | b, _ => a != b } }
fn pick(c: bool, a: bool, b: bool) -> bool { if c { a } else { b ^ c } }

param p[M]: N;
param b[M]: bool;
param k: N;

input x[N]: bool;
output y[N]: bool;
output z: bool;
var v[N]: bool;
var t: bool;
var u: bool;

for i in 0..N { v[i] = x[i]; }
t = x[0];
u = 0;
";

const EPILOGUE: &str = "\
for i in 0..N { y[i] = v[i]; }
z = t;

for a in 0..2 {
    for c in 0..2 {
        example { x = [a, c, a && c]; }
    }
}
";

struct Gen {
    random: Random,
    /// Loop variables in scope: name, and whether it ranges over `0..N` (else `0..M`).
    loops: Vec<(String, bool)>,
}

impl Gen {
    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.random.below(options.len() as u32) as usize]
    }

    fn loop_var(&mut self, over_n: bool) -> Option<String> {
        let fitting: Vec<String> = self.loops.iter().filter(|(_, n)| *n == over_n).map(|(v, _)| v.clone()).collect();
        if fitting.is_empty() {
            None
        } else {
            Some(fitting[self.random.below(fitting.len() as u32) as usize].clone())
        }
    }

    /// An index into `p` or `b` (`0..M`).
    fn index_m(&mut self) -> String {
        if self.random.chance(50) {
            if let Some(var) = self.loop_var(false) {
                return var;
            }
        }
        match self.random.below(3) {
            0 => "k".to_string(),
            _ => self.random.below(4).to_string(),
        }
    }

    /// An index into `x`, `v` or `y` (`0..N`).
    fn index_n(&mut self) -> String {
        if self.random.chance(40) {
            if let Some(var) = self.loop_var(true) {
                return if self.random.chance(30) { format!("({var} + 1) % N") } else { var };
            }
        }
        match self.random.below(5) {
            0 => format!("p[{}]", self.index_m()),
            1 => "k".to_string(),
            2 => "t + u".to_string(),
            _ => self.random.below(3).to_string(),
        }
    }

    /// A bool expression.
    fn bool_expr(&mut self, depth: u32) -> String {
        if depth == 0 || self.random.chance(35) {
            return match self.random.below(6) {
                0 => format!("v[{}]", self.index_n()),
                1 => format!("x[{}]", self.index_n()),
                2 => format!("b[{}]", self.index_m()),
                3 => self.pick(&["t", "u"]).to_string(),
                4 => format!("p[{}] == {}", self.index_m(), self.random.below(3)),
                _ => self.random.below(2).to_string(),
            };
        }
        let d = depth - 1;
        match self.random.below(9) {
            6 => format!("gate({}, {}, {})", self.gate_kind(), self.atom(d), self.atom(d)),
            7 => format!("pick({}, {}, {})", self.cond(d), self.atom(d), self.atom(d)),
            8 => {
                let op = self.pick(&["&", "|", "^"]);
                format!("{} {op} {}", self.atom(d), self.atom(d))
            }
            0 => format!("!{}", self.atom(d)),
            1 | 2 => {
                let op = self.pick(&["&&", "||", "!=", "=="]);
                format!("{} {op} {}", self.atom(d), self.atom(d))
            }
            3 => format!("if {} {{ {} }} else {{ {} }}", self.cond(d), self.bool_expr(d), self.bool_expr(d)),
            4 => format!(
                "match p[{}] {{ 0 => {}, 1 => {}, _ => {} }}",
                self.index_m(),
                self.bool_expr(d),
                self.bool_expr(d),
                self.bool_expr(d)
            ),
            _ => format!("b[{}] && {}", self.index_m(), self.atom(d)),
        }
    }

    /// The first argument of `gate`: mostly decided by a param, so that the call is inlined.
    fn gate_kind(&mut self) -> String {
        match self.random.below(4) {
            0 => "t + u".to_string(),
            1 => self.random.below(3).to_string(),
            _ => format!("p[{}]", self.index_m()),
        }
    }

    fn atom(&mut self, depth: u32) -> String {
        format!("({})", self.bool_expr(depth))
    }

    /// A condition, often decided by params alone.
    fn cond(&mut self, depth: u32) -> String {
        match self.random.below(4) {
            0 => format!("b[{}]", self.index_m()),
            1 => format!("p[{}] != {}", self.index_m(), self.random.below(3)),
            _ => self.bool_expr(depth),
        }
    }

    fn block(&mut self, depth: u32, out: &mut String, indent: usize) {
        let n = 1 + self.random.below(3);
        for _ in 0..n {
            self.stmt(depth, out, indent);
        }
    }

    fn stmt(&mut self, depth: u32, out: &mut String, indent: usize) {
        let pad = "    ".repeat(indent);
        let choice = if depth == 0 { 0 } else { self.random.below(7) };
        match choice {
            0 | 1 => {
                let target = match self.random.below(3) {
                    0 => "t".to_string(),
                    1 => "u".to_string(),
                    _ => format!("v[{}]", self.index_n()),
                };
                out.push_str(&format!("{pad}{target} = {};\n", self.bool_expr(2)));
            }
            2 => {
                out.push_str(&format!("{pad}if {} {{\n", self.cond(1)));
                self.block(depth - 1, out, indent + 1);
                if self.random.chance(40) {
                    out.push_str(&format!("{pad}}} else if {} {{\n", self.cond(1)));
                    self.block(depth - 1, out, indent + 1);
                }
                if self.random.chance(50) {
                    out.push_str(&format!("{pad}}} else {{\n"));
                    self.block(depth - 1, out, indent + 1);
                }
                out.push_str(&format!("{pad}}}\n"));
            }
            3 => {
                let scrutinee =
                    if self.random.chance(70) { format!("p[{}]", self.index_m()) } else { "t + u".to_string() };
                out.push_str(&format!("{pad}match {scrutinee} {{\n"));
                for pattern in ["0", "1 | 2"] {
                    if self.random.chance(80) {
                        out.push_str(&format!("{pad}    {pattern} => {{\n"));
                        self.block(depth - 1, out, indent + 2);
                        out.push_str(&format!("{pad}    }}\n"));
                    }
                }
                out.push_str(&format!("{pad}}}\n"));
            }
            4 | 5 => {
                let over_n = self.random.chance(50);
                let var = format!("l{}", self.loops.len());
                let bound = if over_n { "N" } else { "M" };
                out.push_str(&format!("{pad}for {var} in 0..{bound} {{\n"));
                self.loops.push((var, over_n));
                self.block(depth - 1, out, indent + 1);
                self.loops.pop();
                out.push_str(&format!("{pad}}}\n"));
            }
            _ => out.push_str(&format!("{pad}observe {} || {};\n", self.bool_expr(1), self.cond(1))),
        }
    }
}

/// The source of a random sketch.
pub fn sketch(seed: u64) -> String {
    let mut gen = Gen { random: Random(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1), loops: Vec::new() };
    let mut body = String::new();
    gen.block(3, &mut body, 0);
    format!("{PRELUDE}\n{body}\n{EPILOGUE}")
}
