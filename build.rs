fn main() {
    lalrpop::Configuration::new().set_in_dir("grammar").process().expect("the grammar in grammar/ must compile");
}
