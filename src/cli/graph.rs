//! `tpt graph FILE`: the lowered graph in DOT, and a node-count summary on stderr (on stdout
//! with `--summary`, which prints only the summary).

use clap::Args;
use petgraph::dot::{Config, Dot};

use tpt::diagnostics::plural;
use tpt::graph::{Graph, NodeKind, Target};
use tpt::program::Program;

use super::{load_and_compile, CompileArgs, Reporter, EXIT_OK};

#[derive(Args, Debug)]
pub struct GraphArgs {
    #[command(flatten)]
    pub compile: CompileArgs,
    /// Print only the summary (to stdout).
    #[arg(long)]
    pub summary: bool,
}

pub fn main(args: GraphArgs) -> u8 {
    let mut reporter = Reporter::new(&args.compile.with.input.color);
    let compiled = match load_and_compile(&args.compile, &mut reporter) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let graph = &compiled.graph;
    let [params, inputs, consts, tables, mixes] = graph.census();
    let summary = format!(
        "{}: {} ({}, {}, {}, {}, {}), {}, {}, {}",
        args.compile.file.display(),
        plural(graph.len(), "node"),
        plural(params, "param"),
        plural(inputs, "input"),
        plural(consts, "constant"),
        plural(tables, "table"),
        plural(mixes, "mixture"),
        plural(graph.dag.edge_count(), "edge"),
        plural(graph.observations.len(), "observation"),
        plural(graph.num_examples, "example")
    );
    // The summary is the output when it is all that is asked for; beside the DOT text it goes
    // to stderr, so that stdout stays a valid graph.
    if args.summary {
        outln!("{summary}");
    } else {
        eprintln!("{summary}");
        let source = reporter.sources.text(0);
        out!("{}", dot(graph, &compiled.program, source));
    }
    EXIT_OK
}

/// 1-based line of a byte offset.
fn line_of(source: &str, offset: usize) -> usize {
    source.as_bytes()[..offset.min(source.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

fn dot(graph: &Graph, program: &Program, source: &str) -> String {
    let mut labelled = graph.dag.map(
        |index, node| {
            let line = line_of(source, node.span.start);
            let what = match &node.kind {
                NodeKind::Param { param } => format!("param {}", graph.params[*param].name),
                NodeKind::Input { input } => {
                    let slot = &graph.inputs[*input];
                    format!("input {}", program.arrays[slot.array].element_name(slot.flat))
                }
                NodeKind::Const { value } => format!("const {value}"),
                NodeKind::Table { operands, .. } => format!("table of {}", operands.len()),
                NodeKind::Mix { choices, .. } => format!("mix of {}", choices.len()),
                NodeKind::RealParam { param } => format!("real param {}", graph.real_params[*param].name),
                NodeKind::RealInput { input } => {
                    let slot = &graph.real_inputs[*input];
                    format!("real input {}", program.arrays[slot.array].element_name(slot.flat))
                }
                NodeKind::RealConst { value } => format!("real {value:?}"),
                NodeKind::RealTable { operands, .. } => format!("real table of {}", operands.len()),
                NodeKind::Real { op, .. } => format!("real {}", format!("{op:?}").to_lowercase()),
                NodeKind::RealMix { choices, .. } => format!("real mix of {}", choices.len()),
                NodeKind::Compare { op, .. } => format!("compare {}", op.symbol()),
                NodeKind::Round { .. } => "round".to_string(),
                NodeKind::Finite { operands } => format!("finite of {}", operands.len()),
            };
            let domain = if node.is_real() { "real".to_string() } else { format!("domain {}", node.domain) };
            format!("#{} {what}\n{domain} · line {line}", index.index())
        },
        |_, position| format!("{position}"),
    );
    // Observed nodes are marked with what observes them.
    for observation in &graph.observations {
        let index = petgraph::graph::NodeIndex::new(observation.node);
        let mark = match &observation.target {
            Target::Output { array, flat } => format!("\nobserved: {}", program.arrays[*array].element_name(*flat)),
            Target::Observe => "\nobserved: observe".to_string(),
            Target::Finite => "\nobserved: finite".to_string(),
        };
        if let Some(label) = labelled.node_weight_mut(index) {
            if !label.contains(&mark) {
                label.push_str(&mark);
            }
        }
    }
    for observation in &graph.real_observations {
        let mark = format!("\nobserved: {}", program.arrays[observation.array].element_name(observation.flat));
        if let Some(label) = labelled.node_weight_mut(petgraph::graph::NodeIndex::new(observation.node)) {
            if !label.contains(&mark) {
                label.push_str(&mark);
            }
        }
    }
    format!("{}", Dot::with_config(&labelled, &[Config::EdgeNoLabel]))
}
