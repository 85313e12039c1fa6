//! The commit the binary is built from, for `tpt --version`: what `git describe` says of the
//! checkout, or nothing outside one (a source archive).
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok().filter(|output| output.status.success())?;
    Some(String::from_utf8(output.stdout).ok()?.trim().to_string())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let commit = git(&["describe", "--always", "--abbrev=12"]).unwrap_or_default();
    println!("cargo:rustc-env=TPT_COMMIT={commit}");
    // Run again when HEAD moves: HEAD itself, the branch it names, and the packed refs. Paths
    // that do not exist would make cargo run this script on every build, so only those that do.
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for path in watched {
        if let Some(found) = git(&["rev-parse", "--git-path", &path]) {
            if std::path::Path::new(&found).exists() {
                println!("cargo:rerun-if-changed={found}");
            }
        }
    }
}
