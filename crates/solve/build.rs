fn main() {
    // Decision phases for the bundled CaDiCaL (src/cdcl.rs), which its C interface lacks.
    println!("cargo:rerun-if-changed=csrc/cadical_phase.cpp");
    println!("cargo:rerun-if-changed=build.rs");
    cc::Build::new().cpp(true).file("csrc/cadical_phase.cpp").warnings(false).compile("tpt_cadical_phase");
}
