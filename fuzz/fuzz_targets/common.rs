//! What the fuzz targets share: small limits, so that every input runs quickly.

use tpt::check::CheckOptions;
use tpt::limits::Limits;

pub fn options() -> CheckOptions {
    CheckOptions {
        overrides: Vec::new(),
        limits: Limits {
            max_depth: 64,
            max_unroll: 20_000,
            max_enum: 4096,
            max_enum_total: 1 << 18,
            max_elements: 4096,
            max_domain: 64,
            max_examples: 64,
            max_example_values: 1 << 16,
            max_nodes: 20_000,
            max_memory_mib: 64,
        },
        ..CheckOptions::default()
    }
}
