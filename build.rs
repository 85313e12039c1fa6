fn main() {
    // Naming any file below turns off cargo's rerun on every change, so the grammar is named too.
    println!("cargo:rerun-if-changed=grammar");
    println!("cargo:rerun-if-changed=build.rs");
    lalrpop::Configuration::new().set_in_dir("grammar").process().expect("the grammar in grammar/ must compile");
    // Decision phases for the bundled CaDiCaL (src/solve/cdcl.rs), which its C interface lacks.
    println!("cargo:rerun-if-changed=csrc/cadical_phase.cpp");
    cc::Build::new().cpp(true).file("csrc/cadical_phase.cpp").warnings(false).compile("tpt_cadical_phase");
}
