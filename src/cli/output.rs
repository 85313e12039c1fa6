//! Output files named on the command line: every command checks them here before any work
//! (`check_output_path`: a directory, a missing directory, an extension naming a format the
//! flag does not write, a file that cannot be written) and writes them here (`write_output`),
//! so that every command gives the same reasons in the same words.
//!
//! A file is written whole: into a temporary file beside it, renamed over it at the end. A
//! symbolic link is written through (the file it points at gets the text, the link stays a
//! link), and a special file (`/dev/null`, a pipe) is written in place, since it cannot be
//! replaced.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use tpt::diagnostics::Diagnostic;

use super::{io_reason, os_reason};

/// The formats an output flag writes, by the extensions of its file names.
pub struct OutputFormats {
    /// The extensions it writes (lowercase, without the dot).
    extensions: &'static [&'static str],
    /// Whether the extension chooses the format (`--trace out.svg|out.csv`), so that a name
    /// without one is an error; otherwise the command chooses it, and a name without an
    /// extension (`/dev/stdout`) gets it.
    chosen_by_extension: bool,
    /// What the flag writes, for the help of a refused name.
    writes: String,
}

impl OutputFormats {
    /// A flag whose format follows the extension of the file name: one of `extensions`.
    pub fn by_extension(flag: &str, extensions: &'static [&'static str]) -> Self {
        let listed = listed(extensions);
        let writes = match extensions {
            [_] => format!("`{flag}` writes {listed}"),
            _ => format!("`{flag}` writes {listed}, chosen by the file's extension"),
        };
        OutputFormats { extensions, chosen_by_extension: true, writes }
    }

    /// A flag whose format the command chooses: a file name's extension, if it has one, must be
    /// one of `extensions`; `writes` says what is written, for the help.
    pub fn chosen_by_command(extensions: &'static [&'static str], writes: impl Into<String>) -> Self {
        OutputFormats { extensions, chosen_by_extension: false, writes: writes.into() }
    }
}

fn listed(extensions: &[&str]) -> String {
    let listed: Vec<String> = extensions.iter().map(|e| format!(".{e}")).collect();
    listed.join(" or ")
}

/// Check the path of an output flag before the work that produces it: an error when the file
/// could not be written as asked.
pub fn check_output_path(flag: &str, path: &Path, formats: &OutputFormats) -> Result<(), Diagnostic> {
    let shown = path.display();
    let names_directory = path.is_dir() || path.as_os_str().to_string_lossy().ends_with(std::path::MAIN_SEPARATOR);
    if names_directory {
        let example = formats.extensions.first().map_or_else(|| "out.tpt".to_string(), |e| format!("out.{e}"));
        return Err(Diagnostic::error(format!("`{flag} {shown}`: `{shown}` is a directory"))
            .with_help(format!("name a file, e.g. `{}`", path.join(example).display())));
    }
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase());
    let refusal = match &extension {
        Some(extension) if formats.extensions.contains(&extension.as_str()) => None,
        Some(extension) => Some(format!("`{flag} {shown}`: `{flag}` does not write `.{extension}` files")),
        None if formats.chosen_by_extension => Some(format!("`{flag} {shown}`: the file name has no extension")),
        None => None,
    };
    if let Some(message) = refusal {
        return Err(Diagnostic::error(message).with_help(formats.writes.clone()));
    }
    Target::of(path).map(|_| ())
}

/// Where a write to a path lands, found before anything is written.
enum Target {
    /// A regular file (or none yet) at this path, the end of the path's symbolic links: it is
    /// replaced whole, through a temporary file in its directory.
    Replaced(PathBuf),
    /// A special file (a device, a pipe): written in place.
    InPlace,
}

impl Target {
    /// The target of a write to `path`, or why it cannot be written: a missing directory, a
    /// file that refuses writing, a directory that takes no new file.
    fn of(path: &Path) -> Result<Target, Diagnostic> {
        let fail = |reason: String| Diagnostic::error(format!("cannot write `{}`: {reason}", path.display()));
        // The kernel follows every link, including those (`/dev/stdout`) that name no path.
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            return Ok(Target::InPlace);
        }
        let target = resolve_links(path).map_err(|e| fail(io_reason(&e)))?;
        let directory = directory_of(&target);
        match std::fs::metadata(directory) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(fail(format!("`{}` is not a directory", directory.display()))),
            Err(_) => return Err(fail(format!("the directory `{}` does not exist", directory.display()))),
        }
        match std::fs::metadata(&target) {
            Ok(m) if m.is_dir() => return Err(fail(format!("`{}` is a directory", target.display()))),
            // Opening for writing (without truncating) asks the system whether the file may be
            // written; a rename would replace a file that refuses it.
            Ok(_) => {
                OpenOptions::new().write(true).open(&target).map_err(|e| fail(io_reason(&e)))?;
            }
            Err(_) => {}
        }
        // The rename needs a new file beside the target.
        tempfile::NamedTempFile::new_in(directory)
            .map_err(|e| fail(format!("cannot create a file in `{}` ({})", directory.display(), os_reason(&e))))?;
        Ok(Target::Replaced(target))
    }
}

/// The links a path goes through, followed to the path they end at (which may not exist yet:
/// a write creates it).
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    // As many links as the system follows in one path before it gives up.
    const MAX_LINKS: usize = 40;
    let mut target = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&target)?;
                // `join` keeps an absolute link as it is.
                target = directory_of(&target).join(link);
            }
            _ => return Ok(target),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// The directory a file is written in (`.` for a bare file name).
fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Write `text` to `path` whole (stdout when `path` is `None`), through its symbolic links.
pub fn write_output(path: Option<&Path>, text: &str) -> Result<(), Diagnostic> {
    let Some(path) = path else {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
        return Ok(());
    };
    let fail = |e: std::io::Error| Diagnostic::error(format!("cannot write `{}`: {}", path.display(), io_reason(&e)));
    let target = match Target::of(path)? {
        Target::InPlace => return File::create(path).and_then(|mut f| f.write_all(text.as_bytes())).map_err(fail),
        Target::Replaced(target) => target,
    };
    let mut file = tempfile::NamedTempFile::new_in(directory_of(&target)).map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)?;
    // Temporary files are private; the result gets the target's permissions, or the usual
    // permissions of a new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions = std::fs::metadata(&target)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        file.as_file().set_permissions(permissions).map_err(fail)?;
    }
    file.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

/// A file written as the work goes (the rows of `bench --csv`, so that an interrupted sweep
/// keeps them), created or emptied now.
pub fn create_streamed(path: &Path) -> Result<File, Diagnostic> {
    Target::of(path)?;
    File::create(path).map_err(|e| Diagnostic::error(format!("cannot write `{}`: {}", path.display(), io_reason(&e))))
}
