//! Resource bounds that user input controls. Every bound fires before the large allocation or
//! long loop it guards, with an error naming the construct and the flag that raises it.

use serde::{Deserialize, Serialize};

/// The bounds applied while parsing, checking, unrolling and lowering a program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// Maximum nesting of brackets, blocks and expression trees (`--max-depth`).
    pub max_depth: u32,
    /// Maximum number of statements and loop iterations executed while unrolling (`--max-unroll`).
    pub max_unroll: u64,
    /// Maximum number of operand combinations enumerated for one runtime expression (`--max-enum`).
    pub max_enum: u64,
    /// Maximum number of elements of one declared array (`--max-elements`).
    pub max_elements: u64,
    /// Maximum size of one domain (`--max-domain`).
    pub max_domain: u64,
    /// Maximum number of examples (`--max-examples`).
    pub max_examples: u64,
    /// Maximum number of nodes of the lowered graph (`--max-nodes`).
    pub max_nodes: u64,
    /// Maximum bytes of the batched buffers of the forward/backward pass (`--max-memory`, in MiB).
    pub max_memory_mib: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_unroll: 2_000_000,
            max_enum: 1 << 20,
            max_elements: 1 << 20,
            max_domain: 1 << 16,
            max_examples: 100_000,
            max_nodes: 2_000_000,
            max_memory_mib: 2048,
        }
    }
}
