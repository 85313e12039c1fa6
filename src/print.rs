//! Synthesis result -> `.tpt` source. `sketch` keeps the original text and only rewrites the
//! param declarations with their values.

use crate::ast::{self, DeclKind};
use crate::interp::ParamValues;
use crate::program::Program;
use crate::result::format_values;

/// The param values as a `.tpt` value: nested lists, with `[v; n]` where every element is
/// the same (reusing the dimension's source text, so the text survives the same `--set`).
pub fn value_text(values: &[u32], dims: &[usize], dim_texts: &[String]) -> String {
    if let Some(&first) = values.first() {
        if !dims.is_empty() && values.iter().all(|&v| v == first) {
            let mut text = first.to_string();
            for dim in dim_texts.iter().rev() {
                text = format!("[{text}; {dim}]");
            }
            return text;
        }
    }
    format_values(values, dims)
}

/// The original source with every param declaration bound to its value.
pub fn print_sketch(source: &str, file: &ast::File, program: &Program, values: &ParamValues) -> String {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for item in &file.items {
        let ast::Item::Decl(decl) = item else { continue };
        if decl.kind != DeclKind::Param {
            continue;
        }
        let Some(id) = program.array_named(&decl.name.name) else { continue };
        let info = &program.arrays[id];
        let head_end = decl.domain.span().end;
        let head = &source[decl.span.start..head_end];
        let dim_texts: Vec<String> = decl.dims.iter().map(|d| source[d.span.range()].to_string()).collect();
        let value = value_text(&values[id], &info.dims, &dim_texts);
        edits.push((decl.span.start, decl.span.end, format!("{head} = {value};")));
    }
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for (start, end, text) in edits {
        out.push_str(&source[at..start]);
        out.push_str(&text);
        at = end;
    }
    out.push_str(&source[at..]);
    out
}
