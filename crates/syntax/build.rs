fn main() {
    // The grammar stands at the root of the repository (grammar/), beside the `tpt` package.
    // Naming any file below turns off cargo's rerun on every change, so the grammar is named too.
    println!("cargo:rerun-if-changed=../../grammar");
    println!("cargo:rerun-if-changed=build.rs");
    lalrpop::Configuration::new()
        .set_in_dir("../../grammar")
        .set_out_dir(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .process()
        .expect("the grammar in grammar/ must compile");
}
