//! Output paths given on the command line -> an error before any work when the file could not
//! be written as asked: a directory, a missing directory, or an extension naming a format the
//! flag does not write. The format of every output file follows its extension.

use std::path::Path;

use tpt::diagnostics::Diagnostic;

use super::synth::writable_directory;

/// Check the path of an output flag before the work that produces it: `formats` are the
/// extensions the flag writes (lowercase, without the dot; empty: any name).
pub fn check_output_path(flag: &str, path: &Path, formats: &[&str]) -> Result<(), Diagnostic> {
    let shown = path.display();
    let names_directory = path.is_dir() || path.as_os_str().to_string_lossy().ends_with(std::path::MAIN_SEPARATOR);
    if names_directory {
        return Err(Diagnostic::error(format!("`{flag} {shown}`: `{shown}` is a directory"))
            .with_help(format!("name a file, e.g. `{}`", path.join(example_name(formats)).display())));
    }
    if !formats.is_empty() {
        let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase());
        if !extension.as_deref().is_some_and(|e| formats.contains(&e)) {
            let message = match extension {
                Some(extension) => format!("`{flag} {shown}`: unknown output format `.{extension}`"),
                None => format!("`{flag} {shown}`: the file name has no extension to choose the format by"),
            };
            let listed: Vec<String> = formats.iter().map(|f| format!(".{f}")).collect();
            return Err(Diagnostic::error(message)
                .with_help(format!("`{flag}` writes {}, chosen by the file's extension", listed.join(" or "))));
        }
    }
    writable_directory(path)
}

fn example_name(formats: &[&str]) -> String {
    match formats.first() {
        Some(format) => format!("out.{format}"),
        None => "out.tpt".to_string(),
    }
}
