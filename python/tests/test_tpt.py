"""The tpt module: every function, attribute and error path, on small sketches."""

import _thread
import ast
import math
import pathlib
import re
import signal
import threading

import numpy as np
import pytest

import tpt

HERE = pathlib.Path(__file__).resolve().parent
PACKAGE = HERE.parent

# An unknown two-input Boolean function as a truth table; no examples of its own.
GATE = """
input a: 2;
input b: 2;
param table[2][2]: 2;
output y: 2;
y = table[a][b];
"""

# One bit p; an output left unassigned on some inputs, and an `observe` on the input.
GUARD = """
input x: 4;
param p: 2;
output y: 5;
output z[2]: 2;
output w: 2;
y = x + p;
z[0] = p;
if x == 0 { z[1] = 1; w = 0; }
observe x != 3;
example { x = 1; y = 2; z = [1, _]; }
"""

# AND or OR cannot compute XOR: the exact back ends prove it.
GATES = """
input x[2]: bool;
param g: 2;
output y: bool;
y = if g == 0 { x[0] && x[1] } else { x[0] || x[1] };
for a in 0..2 { for b in 0..2 { example { x = [a, b]; y = (a + b) % 2; } } }
"""

# The parity chain: hard for plain gradient descent at large K.
CHAIN = """
const K = 8;
input x0: 2;
param p[K - 1]: 2;
output y[K]: 2;
var c[K]: 2;
c[0] = x0;
for i in 1..K { c[i] = p[i - 1]; }
for i in 0..K { y[i] = (c[i] + c[(i + 1) % K]) % 2; }
example { x0 = 0; y = [0; K]; }
"""

XOR_ROWS = [{"a": a, "b": b, "y": a ^ b} for a in (0, 1) for b in (0, 1)]


# ------------------------------------------------------------------------------ compile


def test_compile_gives_a_sketch_with_its_declarations():
    sketch = tpt.compile(CHAIN, set={"K": 16}, path="chain.tpt")
    assert sketch.path == "chain.tpt"
    assert sketch.source == CHAIN
    assert sketch.params == {"p": ((15,), 2)}
    assert sketch.inputs == {"x0": ((), 2)}
    assert sketch.outputs == {"y": ((16,), 2)}
    assert sketch.num_examples == 1
    assert sketch.warnings == []
    assert repr(sketch) == '<tpt.Sketch "chain.tpt": 15 unknown param elements, 2^15.0 candidates>'
    assert tpt.compile(GATE).path == "<sketch>"


def test_compile_warnings_are_diagnostics():
    (warning,) = tpt.compile(GATE).warnings
    assert warning.severity == "warning"
    assert warning.message == "nothing is observed"


def test_a_broken_sketch_raises_sketch_error_with_structured_diagnostics():
    with pytest.raises(tpt.SketchError) as caught:
        tpt.compile("param p: 2;\noutput y: 2;\ny = q;\n", path="bad.tpt")
    error = caught.value
    (diagnostic,) = error.diagnostics
    assert diagnostic.severity == "error"
    assert diagnostic.message == "cannot find `q`"
    assert (diagnostic.file, diagnostic.line, diagnostic.column) == ("bad.tpt", 3, 5)
    assert diagnostic.notes == []
    # The exception's message is the rendered diagnostic, as the command line prints it.
    assert str(error) == diagnostic.rendered.rstrip()
    assert str(diagnostic) == diagnostic.rendered
    assert diagnostic.rendered.startswith("error: cannot find `q`\n")
    assert "bad.tpt:3:5" in diagnostic.rendered
    assert repr(diagnostic) == "<tpt.Diagnostic error at bad.tpt:3:5: \"cannot find `q`\">"
    assert isinstance(error, Exception)


def test_a_diagnostic_carries_its_help():
    with pytest.raises(tpt.SketchError) as caught:
        tpt.compile(CHAIN, set={"N": 3})
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == '`set={"N": ...}` names no constant of this program'
    assert diagnostic.help == "the constants are: K"
    assert diagnostic.file is None and diagnostic.line is None and diagnostic.column is None


@pytest.mark.parametrize(
    "set_, error, message",
    [
        ({"K": "16"}, TypeError, 'set["K"]: a constant is an integer, not a value of type `str`'),
        ({"K": True}, TypeError, 'set["K"]: a constant is an integer, not a value of type `bool`'),
        ({1: 16}, TypeError, "set: the keys are constant names"),
        ({"K": 2**70}, OverflowError, "too large"),
    ],
)
def test_set_values_must_be_integers(set_, error, message):
    with pytest.raises(error, match=re.escape(message)):
        tpt.compile(CHAIN, set=set_)


# ------------------------------------------------------------------------------ synth


def test_synth_finds_verified_params_and_prints_the_program():
    sketch = tpt.compile(CHAIN, set={"K": 16}, path="chain.tpt")
    result = sketch.synth(backend="gradsearch-ra", seed=3)
    assert result.status == "found" and result.reason == "found"
    assert result.backend == "gradsearch-ra" and result.seed == 3
    # No objective, no examples given up, and no other behaviour fits the examples.
    assert (result.cost, result.optimal, result.violated_examples) == (None, None, [])
    assert (result.distinguish_check, result.distinguishing_input) == ("pinned_down", None)
    assert (result.programs, result.complete) == (None, None)
    assert isinstance(result.params["p"], np.ndarray)
    assert result.params["p"].dtype == np.int64
    assert result.params["p"].tolist() == [0] * 15
    assert "param p[K - 1]: 2 = [0; K - 1];" in result.program
    assert "param p[K - 1]: 2 = [0; K - 1];" in result.sketch
    assert result.steps >= 1 and result.seconds >= 0
    assert result.summary.startswith("chain.tpt: found by gradsearch-ra (seed 3) in ")
    # The param, and the check that no other program fits the examples but behaves differently.
    messages = [d.message for d in result.diagnostics]
    assert messages[0] == "synthesized `p`"
    assert messages[1:] == [
        "the examples pin the behaviour down: every program that fits them gives the same observed outputs on every input"
    ]
    assert repr(result).startswith("<tpt.Result found by gradsearch-ra (seed 3) in ")
    # Same sketch and seed, same answer.
    again = sketch.synth(backend="gradsearch-ra", seed=3)
    assert (again.steps, again.program) == (result.steps, result.program)


def test_scalar_params_are_ints():
    result = tpt.compile(GUARD).synth()
    assert result.params == {"p": 1}
    assert type(result.params["p"]) is int


def test_examples_as_a_list_of_dicts_and_as_numpy_columns_mean_the_same():
    sketch = tpt.compile(GATE)
    from_rows = sketch.synth(examples=XOR_ROWS, backend="sat")
    a, b = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    from_columns = sketch.synth(examples={"a": a, "b": b, "y": a ^ b}, backend="sat")
    from_lists = sketch.synth(examples={"a": [0, 0, 1, 1], "b": (0, 1, 0, 1), "y": [0, 1, 1, 0]}, backend="sat")
    for result in (from_rows, from_columns, from_lists):
        assert result.status == "found"
        assert result.params["table"].tolist() == [[0, 1], [1, 0]]
    # The examples are the searched program's: the warning that nothing is observed is gone.
    assert all(d.severity != "warning" for d in from_rows.diagnostics)


def test_unobserved_outputs_are_none_or_masked():
    sketch = tpt.compile(GATE)
    rows = [dict(row) for row in XOR_ROWS]
    rows[0]["y"] = None
    assert sketch.synth(examples=rows, backend="sat").status == "found"
    masked = np.ma.masked_array([0, 1, 1, 0], mask=[True, False, False, False])
    result = sketch.synth(examples={"a": [0, 0, 1, 1], "b": [0, 1, 0, 1], "y": masked}, backend="exhaustive")
    assert result.status == "found"
    assert result.params["table"].tolist()[0][1:] == [1]
    assert result.params["table"].tolist()[1] == [1, 0]


def test_examples_are_checked_like_a_data_file():
    sketch = tpt.compile(GATE)
    with pytest.raises(tpt.SketchError) as caught:
        sketch.synth(examples=[{"a": 0, "b": 0, "y": 0}, {"a": 0, "b": 2, "y": 0}])
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == "<examples>: examples[1].b: 2 is outside the domain of `b`"
    # Each example is a line of its own.
    assert (diagnostic.file, diagnostic.line) == ("<examples>", 2)
    assert '{"a":0,"b":2,"y":0}' in diagnostic.rendered


@pytest.mark.parametrize(
    "examples, message",
    [
        ([{"a": 0, "b": 0, "y": [0, 1]}], "<examples>: examples[0].y: expected a single value for `y`, found a list"),
        ([{"a": 0, "b": 0, "q": 0}], "<examples>: examples[0].q: `q` is not an input or output of the program"),
        ([{"a": 0, "y": 0}], "this example does not give input `b`"),
        ([{"a": 0, "b": 0, "table": 0}], "`table` is a param; examples give inputs and outputs"),
        ([{"a": 0, "b": 0, "y": "1"}], "expected an integer for `y`, found a string"),
        ([{"a": 0, "b": 0, "y": 0.5}], "expected an integer for `y`, found 0.5, which is not an integer"),
        ([{"a": None, "b": 0, "y": 0}], "cannot stand for a value of `a`"),
        ([[0, 0, 0]], "expected an object of inputs and outputs, found a list"),
        ([{"a": 0, "b": 0, "y": 0}, {"a": 0, "b": 0, "y": 1}], "give the same inputs but observe different outputs"),
    ],
)
def test_wrong_examples_raise_the_data_file_messages(examples, message):
    with pytest.raises(tpt.SketchError, match=re.escape(message)):
        tpt.compile(GATE).synth(examples=examples)


def test_bool_inputs_and_outputs_take_python_booleans():
    # `a`, `b` and `y` are of domain 2 (`bool`): True and False are 1 and 0 there.
    as_bools = [{"a": bool(r["a"]), "b": bool(r["b"]), "y": bool(r["y"])} for r in XOR_ROWS]
    sketch = tpt.compile(GATE)
    result = sketch.synth(backend="sat", examples=as_bools)
    assert result.status == "found"
    assert result.params["table"].tolist() == sketch.synth(backend="sat", examples=XOR_ROWS).params["table"].tolist()
    assert result.run({"a": True, "b": False}) == {"y": 1}
    assert result.run({"a": np.bool_(True), "b": np.bool_(True)}) == {"y": 0}
    bits = tpt.compile(GATES).synth(backend="sat", examples=None)
    assert bits.status == "impossible"
    found = tpt.compile(GATES.replace("(a + b) % 2", "a * b")).synth(backend="sat")
    assert found.run({"x": np.array([True, True])}) == {"y": 1}
    assert found.run({"x": [False, True]}) == {"y": 0}
    # Elsewhere a boolean is not a value: `x` of GUARD takes 0..4.
    with pytest.raises(tpt.SketchError, match=re.escape("expected an integer for `x`, found a boolean")):
        tpt.compile(GUARD).synth(backend="sat", examples=[{"x": True, "y": 2}])


def make_cycle():
    cycle = []
    cycle.append(cycle)
    return [{"a": cycle, "b": 0, "y": 0}]


@pytest.mark.parametrize(
    "examples, error, message",
    [
        ({"a": [0, 1], "b": [0], "y": [0, 1]}, ValueError, '"b" gives 1 examples and "a" gives 2'),
        ({"a": 0, "b": [0], "y": [0]}, ValueError, 'examples["a"]: a dict of examples holds one array per name'),
        ({1: [0]}, TypeError, "the keys of a dict of examples are input and output names"),
        ([{1: 0}], TypeError, "examples[0]: the keys are input and output names"),
        ("a=0", TypeError, "examples: give a list of dicts or a dict of arrays, not a value of type `str`"),
        ([{"a": object(), "b": 0, "y": 0}], TypeError, "cannot use a value of type `object`"),
        ([{"a": 2**70, "b": 0, "y": 0}], OverflowError, "is too large"),
        ([{"a": math.nan, "b": 0, "y": 0}], ValueError, 'examples[0]["a"]: NaN is not an integer'),
        (make_cycle(), ValueError, "nested more than 64 levels deep"),
    ],
)
def test_examples_that_are_not_values_raise_python_errors(examples, error, message):
    with pytest.raises(error, match=re.escape(message)):
        tpt.compile(GATE).synth(examples=examples)


# No value of `p` gives both examples: a gradient search runs out of its steps.
NO_SOLUTION = """
param p: 2;
input x: bool;
output y: bool;
y = p;
example { x = 0; y = 0; }
example { x = 1; y = 1; }
"""


def test_diagnostics_name_settings_as_keyword_arguments():
    """The diagnostics whose settings the command line spells as flags (`tests/wording.rs`)
    name the keyword arguments here, and a limit only the command line sets as its own."""
    loop = "input x: bool;\noutput y: bool;\nvar t: bool;\nt = x;\nfor i in 0..1000000000 { t = !t; }\ny = t;\n"
    with pytest.raises(tpt.SketchError) as caught:
        tpt.compile(loop)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.help == (
        "reduce the loop bounds, or raise the limit with `--max-unroll N` of the `tpt` command"
        " (this package compiles with the default limits)"
    )
    assert diagnostic.help in diagnostic.rendered and diagnostic.help in str(caught.value)

    result = tpt.compile(NO_SOLUTION).synth(backend="gradsearch-la", max_steps=5)
    assert result.status == "not_found"
    assert result.diagnostics[0].help == (
        "raise `max_steps=` (each restart's budget; with `auto` also its solver's conflicts)"
        " or `restarts=` to search longer"
    )

    with pytest.raises(tpt.SketchError) as caught:
        tpt.compile(NO_SOLUTION, set={"M": 3})
    assert caught.value.diagnostics[0].message == '`set={"M": ...}` names no constant of this program'

    with pytest.raises(tpt.SketchError) as caught:
        tpt.compile(NO_SOLUTION).synth(options={"head-start": "x"})
    assert caught.value.diagnostics[0].message.startswith('`options={"head-start": "x"}`: `head-start`')
    assert "`--" not in str(caught.value)


def test_settings_are_checked_before_the_search():
    sketch = tpt.compile(CHAIN)
    with pytest.raises(tpt.SketchError, match="no back end named `gradsearch_la`") as caught:
        sketch.synth(backend="gradsearch_la")
    assert "did you mean `gradsearch-la`?" in caught.value.diagnostics[0].help
    with pytest.raises(tpt.SketchError, match="must be a number in"):
        sketch.synth(backend="gradsearch", options={"beta": 2})
    with pytest.raises(tpt.SketchError, match="no option"):
        sketch.synth(backend="gradsearch", options={"nonsense": 1})
    with pytest.raises(TypeError, match=re.escape('options["beta"]: give a number, a bool or a string')):
        sketch.synth(options={"beta": [0.5]})
    with pytest.raises(ValueError, match="at least one restart"):
        sketch.synth(restarts=0)
    with pytest.raises(ValueError, match="is not a non-negative number of seconds"):
        sketch.synth(timeout=-1.0)
    with pytest.raises(ValueError, match='is not "ce" or "mse"'):
        sketch.synth(loss="hinge")
    with pytest.raises(OverflowError):
        sketch.synth(seed=-1)


def test_options_of_every_type_are_accepted():
    sketch = tpt.compile(CHAIN)
    assert sketch.synth(backend="gradsearch", options={"beta": 0.5}, loss="mse").status == "found"
    assert sketch.synth(backend="smt", options={"ints": True}, timeout=30).status == "found"
    assert sketch.synth(backend="gradsearch-la", options={"lookahead": 4}, restarts=2).status == "found"


def test_impossible_is_a_proof_and_has_no_params():
    result = tpt.compile(GATES).synth(backend="sat")
    assert result.status == "impossible" and result.reason == "proven impossible"
    assert result.params is None and result.program is None
    (diagnostic,) = result.diagnostics
    assert diagnostic.severity == "error"
    assert diagnostic.message == "no program satisfies example 4 (a = 1, b = 1)"
    assert (diagnostic.line, diagnostic.column) == (6, 33)


def test_not_found_keeps_the_best_candidate_unverified():
    result = tpt.compile(CHAIN, set={"K": 32}).synth(backend="gradsearch", max_steps=3)
    assert result.status == "not_found" and result.reason == "step budget exhausted"
    assert result.steps == 3
    assert result.params["p"].shape == (31,)
    assert result.program.startswith("// NOT A SOLUTION")
    assert result.diagnostics[0].message.startswith("no program found (step budget exhausted)")


def test_an_exact_back_end_out_of_time_has_no_candidate():
    result = tpt.compile(CHAIN).synth(backend="sat", timeout=0)
    assert result.status == "not_found" and result.reason == "timed out"
    assert result.params is None and result.program is None and result.sketch is None


def test_ctrl_c_interrupts_the_search_and_keeps_the_best_candidate():
    sketch = tpt.compile(GATES)
    # Simulate Ctrl-C once the search is under way: gradsearch never finds XOR from AND/OR
    # (the timeout only keeps a broken build from hanging the tests). A shell that starts the
    # tests in the background makes them ignore SIGINT, and Python then installs no handler
    # for it (nor does the simulated signal do anything), so the test installs Python's own
    # for its duration.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt) as caught:
            sketch.synth(backend="gradsearch", max_steps=10**15, timeout=60)
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    result = caught.value.result
    assert result.status == "interrupted" and result.reason == "interrupted"
    assert result.params is not None and result.program.startswith("// NOT A SOLUTION")


def test_the_search_releases_the_gil():
    # A search on another thread for up to 5 s: this thread must get work done meanwhile.
    sketch = tpt.compile(GATES)
    finished = []

    def search():
        finished.append(sketch.synth(backend="gradsearch", max_steps=10**15, timeout=5.0))

    worker = threading.Thread(target=search)
    worker.start()
    total = 0
    for i in range(200_000):
        total += i
    done_before_the_search = not finished
    worker.join()
    assert done_before_the_search, "the calling thread was held up until the search finished"
    assert finished[0].status == "not_found" and finished[0].reason == "timed out"


# ------------------------------------------------------------------------------ run


def test_run_executes_the_found_program_on_new_inputs():
    result = tpt.compile(GUARD).synth()
    outputs = result.run({"x": 0})
    assert list(outputs) == ["y", "z", "w"]
    assert (outputs["y"], outputs["z"].tolist(), outputs["w"]) == (1, [1, 1], 0)
    outputs = result.run({"x": np.int64(2)})
    assert outputs["y"] == 3 and outputs["w"] is None
    assert isinstance(outputs["z"], np.ma.MaskedArray)
    assert outputs["z"].mask.tolist() == [False, True]
    gate = tpt.compile(GATE).synth(examples=XOR_ROWS, backend="sat")
    assert [gate.run({"a": row["a"], "b": row["b"]})["y"] for row in XOR_ROWS] == [0, 1, 1, 0]


def test_run_refuses_wrong_inputs():
    result = tpt.compile(GUARD).synth()
    with pytest.raises(tpt.SketchError, match="input: `y` is not an input of the program") as caught:
        result.run({"y": 0})
    assert caught.value.diagnostics[0].help == "the inputs are: `x`"
    with pytest.raises(tpt.SketchError, match="input x: 7 is outside the domain of `x`"):
        result.run({"x": 7})
    with pytest.raises(tpt.SketchError, match="this example does not give input `x`"):
        result.run({})
    with pytest.raises(TypeError, match="inputs: give a dict of input names and values"):
        result.run([0])


def test_run_raises_run_error_when_the_program_fails_on_the_input():
    result = tpt.compile(GUARD).synth()
    with pytest.raises(tpt.RunError) as caught:
        result.run({"x": 3})
    error = caught.value
    assert isinstance(error, tpt.SketchError)
    (diagnostic,) = error.diagnostics
    assert diagnostic.message == "input: an `observe` does not hold"
    assert (diagnostic.line, diagnostic.column) == (10, 9)
    assert error.outputs["y"] == 4


def test_run_needs_a_found_program():
    result = tpt.compile(GATES).synth(backend="sat")
    with pytest.raises(ValueError, match=re.escape("nothing was found (proven impossible)")):
        result.run({"x": [0, 1]})


# ------------------------------------------------------------------------------ backends


def test_backends_lists_every_back_end_with_its_options():
    backends = {backend.name: backend for backend in tpt.backends()}
    assert {"gradsearch-la", "sat", "smt", "exhaustive", "fmgd"} <= set(backends)
    assert [name for name, b in backends.items() if b.default] == [tpt.DEFAULT_BACKEND] == ["auto"]
    assert backends["sat"].exact and backends["smt"].exact and not backends["gradsearch"].exact
    beta = {option.key: option for option in backends["gradsearch"].options}["beta"]
    assert beta.kind == "number in (0, 1]"
    assert isinstance(beta.default, float) and beta.help
    ints = {option.key: option for option in backends["smt"].options}["ints"]
    assert ints.default is False and ints.kind == "true or false"
    assert repr(backends["sat"]) == "<tpt.Backend sat>"
    assert repr(beta) == "<tpt.BackendOption beta (number in (0, 1])>"
    for backend in backends.values():
        assert backend.summary
        for option in backend.options:
            assert isinstance(option.default, (int, float, bool, str)), (backend.name, option.key)


# ------------------------------------------------------------------------------ package


def test_the_worked_example_of_the_readme_runs_as_written():
    text = (PACKAGE / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 3
    exec(compile("\n".join(blocks), "python/README.md", "exec"), {})


def test_the_stubs_declare_what_the_module_holds():
    stubs = ast.parse((PACKAGE / "tpt.pyi").read_text())
    declared = set()
    for node in stubs.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            declared.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            declared.add(node.target.id)
    # `tpt.tpt` is the extension module itself, whose names the package holds.
    public = {name for name in dir(tpt) if not name.startswith("_")} - {"tpt"} | {"__version__"}
    # The value aliases and the dicts' shapes are for type checkers only.
    assert public == declared - {"Value", "ViolatedExample", "DistinguishingInput"}
    for name in ("Sketch", "Result", "Diagnostic", "Backend", "BackendOption"):
        members = {
            n.target.id if isinstance(n, ast.AnnAssign) else n.name
            for c in stubs.body
            if isinstance(c, ast.ClassDef) and c.name == name
            for n in c.body
            if isinstance(n, (ast.AnnAssign, ast.FunctionDef))
        }
        actual = {m for m in dir(getattr(tpt, name)) if not m.startswith("_")}
        assert members == actual, name
    assert tpt.__version__ == "0.1.0"


# ------------------------------------------------------------------------------ reals

LINE = """
param slope: real;
param offset: real;
input x: real;
output y: real;
y = slope * x + offset;
example { x = 0.0; y ~= 1.0; }
example { x = 1.0; y ~= 3.0; }
example { x = 2.0; y ~= 5.0; }
"""


def test_real_params_and_outputs_are_floats():
    result = tpt.compile(LINE).synth(seed=1)
    assert result.status == "found"
    # The default, `auto`, runs its gradient half alone on reals, and says so first.
    assert result.backend == "gradsearch-la"
    assert result.diagnostics[0].severity == "note"
    assert result.diagnostics[0].message.startswith("`auto` ran its gradient half, `gradsearch-la`, alone")
    assert type(result.params["slope"]) is float and type(result.params["offset"]) is float
    assert abs(result.params["slope"] - 2.0) <= 1e-3 and abs(result.params["offset"] - 1.0) <= 1e-3
    y = result.run({"x": 10.0})["y"]
    assert type(y) is float and abs(y - 21.0) <= 2e-2


def test_the_domain_of_a_real_array_reads_real():
    sketch = tpt.compile(LINE)
    assert sketch.params == {"slope": ((), "real"), "offset": ((), "real")}
    assert sketch.inputs == {"x": ((), "real")}
    assert sketch.outputs == {"y": ((), "real")}
    mixed = tpt.compile("param a[2]: real;\nparam s: 3;\ninput x: 4;\noutput y: real;\ny = a[0] * x + a[1] + s;\n")
    assert mixed.params == {"a": ((2,), "real"), "s": ((), 3)}


def test_exact_back_ends_refuse_real_params():
    with pytest.raises(tpt.SketchError, match="real"):
        tpt.compile(LINE).synth(backend="sat")


# ------------------------------------------------------------------------------ optimization

# Two digits whose sum is observed; the objective prefers a small first digit and counts a
# second digit that is not 3. With y = 5 and b <= 3 the optimum is a = 2, b = 3: cost 2.
SUM = """
param a: 4;
param b: 4;
output y: 8;
y = a + b;
minimize a;
minimize b != 3;
example { y = 5; }
"""


def test_an_exact_back_end_proves_the_lowest_cost():
    result = tpt.compile(SUM).synth(backend="sat")
    assert result.status == "found"
    assert result.params == {"a": 2, "b": 3}
    assert (result.cost, result.optimal) == (2, True)
    assert result.summary.endswith("cost 2 (optimal)")


def test_a_gradient_back_end_reports_its_best_cost_as_not_proven():
    result = tpt.compile(SUM).synth(backend="gradsearch-la", seed=1)
    assert result.status == "found"
    a, b = result.params["a"], result.params["b"]
    assert a + b == 5 and result.cost == a + (b != 3) and result.cost >= 2
    assert result.optimal is False


def test_nothing_found_has_no_cost():
    result = tpt.compile(SUM.replace("y = 5", "y = 7")).synth(backend="sat")
    assert result.status == "impossible"
    assert (result.cost, result.optimal, result.violated_examples, result.distinguish_check) == (None, None, None, None)


NOISY = (PACKAGE.parent / "programs" / "noisy_affine.tpt").read_text()


def test_max_violations_recovers_the_program_and_names_the_example_given_up():
    sketch = tpt.compile(NOISY, path="noisy_affine.tpt")
    assert sketch.synth(backend="sat").status == "impossible"
    result = sketch.synth(backend="sat", max_violations=1)
    assert result.status == "found"
    assert result.params == {"p": 3, "q": 7}
    assert result.violated_examples == [{"label": "example 16", "file": "noisy_affine.tpt", "line": 26, "column": 1}]
    assert result.optimal is True and result.cost is None
    warnings = [d for d in result.diagnostics if d.severity == "warning"]
    assert [(d.message, d.line) for d in warnings] == [("the program does not satisfy example 16", 26)]
    # Allowed more, the exact back end still gives up only the one example, and proves it fewest.
    assert len(sketch.synth(backend="sat", max_violations=3).violated_examples) == 1


# An affine map mod 8: two different maps agree on at most 4 of the 8 values of x, so with one
# example mislabelled every other map fails at least 3.
AFFINE = """
input x: 8;
param p: 8;
param q: 8;
output y: 8;
y = (p * x + q) % 8;
"""


@pytest.mark.parametrize("backend, optimal", [("sat", True), ("exhaustive", True), ("gradsearch-la", False)])
def test_a_mislabelled_example_given_as_a_value_is_named_in_the_examples(backend, optimal):
    rows = [{"x": x, "y": (3 * x + 1) % 8} for x in range(8)]
    rows[5]["y"] = 7  # 3 * 5 + 1 is 0 mod 8
    sketch = tpt.compile(AFFINE)
    result = sketch.synth(backend=backend, examples=rows, max_violations=1, seed=1)
    assert result.status == "found"
    assert result.params == {"p": 3, "q": 1}
    assert result.violated_examples == [
        {"label": "<examples>: examples[5]", "file": "<examples>", "line": 6, "column": 1}
    ]
    assert result.optimal is optimal and result.cost is None
    # The examples kept pin the map down.
    assert result.distinguish_check == "pinned_down"


# The affine map with its example for x = 3 given twice, once mislabelled (3 * 3 + 1 is 2 mod 8).
DUPLICATED = AFFINE + "".join(f"example {{ x = {x}; y = {(3 * x + 1) % 8}; }}\n" for x in range(8)) + "example { x = 3; y = 5; }\n"
CONTRADICTION = "example 4 and example 9 give the same inputs but observe different outputs"


def test_contradicting_examples_are_an_error_unless_examples_may_fail():
    with pytest.raises(tpt.SketchError) as caught:
        tpt.compile(DUPLICATED)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.severity, diagnostic.message) == ("error", CONTRADICTION)
    sketch = tpt.compile(DUPLICATED, max_violations=1)
    assert sketch.max_violations == 1
    (warning,) = sketch.warnings
    assert (warning.severity, warning.message) == ("warning", CONTRADICTION)
    assert warning.help == "a program computes one output for one input, so at least one of them will be given up"
    # The sketch's searches allow one failing example unless they say otherwise.
    result = sketch.synth(backend="sat")
    assert result.status == "found" and result.params == {"p": 3, "q": 1} and result.optimal is True
    assert [e["label"] for e in result.violated_examples] == ["example 9"]
    gradient = sketch.synth(backend="gradsearch-la", seed=1)
    assert gradient.status == "found" and len(gradient.violated_examples) == 1
    with pytest.raises(tpt.SketchError, match="need 1 example given up, and no example may fail"):
        sketch.synth(backend="sat", max_violations=0)


def test_contradicting_examples_given_to_synth_follow_its_max_violations():
    rows = [{"x": x, "y": (3 * x + 1) % 8} for x in range(8)] + [{"x": 3, "y": 5}]
    sketch = tpt.compile(AFFINE)
    with pytest.raises(tpt.SketchError, match="give the same inputs but observe different outputs"):
        sketch.synth(backend="sat", examples=rows)
    result = sketch.synth(backend="sat", examples=rows, max_violations=1)
    assert result.params == {"p": 3, "q": 1}
    assert [e["label"] for e in result.violated_examples] == ["<examples>: examples[8]"]
    # Two contradicting pairs need two examples given up: no program does with one.
    rows.append({"x": 4, "y": 0})
    with pytest.raises(tpt.SketchError, match="need 2 examples given up, and at most 1 example may fail"):
        sketch.synth(backend="sat", examples=rows, max_violations=1)
    assert len(sketch.synth(backend="sat", examples=rows, max_violations=2).violated_examples) == 2


def test_max_violations_must_be_a_count():
    with pytest.raises(OverflowError):
        tpt.compile(AFFINE).synth(max_violations=-1)
    with pytest.raises(TypeError):
        tpt.compile(AFFINE).synth(max_violations=1.5)
    with pytest.raises(OverflowError):
        tpt.compile(AFFINE, max_violations=-1)


# ------------------------------------------------------------------------------ are the examples enough

# A lookup table of which the examples fix two entries: the other two are open.
TABLE = """
input x: 4;
param t[4]: 4;
output y: 4;
y = t[x];
example { x = 0; y = 1; }
example { x = 1; y = 2; }
"""


def test_the_distinguishing_input_really_distinguishes_the_two_programs():
    sketch = tpt.compile(TABLE)
    result = sketch.synth(backend="sat")
    assert result.distinguish_check == "distinguished"
    found = result.distinguishing_input
    assert set(found) == {"inputs", "outputs", "other_outputs", "differing"}
    (x,) = found["inputs"].values()
    assert type(x) is int and x in (2, 3), "the examples fix x = 0 and x = 1"
    assert found["differing"] == ["y"]
    assert found["outputs"] != found["other_outputs"]
    assert result.run(found["inputs"]) == found["outputs"]
    # The other program: `synth_all` lists it second, with the same distinguishing input.
    listing = sketch.synth_all(2, backend="sat")
    assert listing.distinguishing_input == found
    first, other = listing.programs
    assert first.params["t"].tolist() == result.params["t"].tolist()
    assert first.run(found["inputs"]) == found["outputs"]
    assert other.run(found["inputs"]) == found["other_outputs"]
    for program in (first, other):
        assert program.status == "found"
        assert program.params["t"].tolist()[:2] == [1, 2]
    messages = [d.message for d in result.diagnostics]
    assert any(m.startswith(f"another program also fits every example but gives y = ") for m in messages)


def test_the_check_is_off_on_request_and_absent_without_a_program():
    sketch = tpt.compile(TABLE)
    off = sketch.synth(backend="sat", distinguish=False)
    assert (off.distinguish_check, off.distinguishing_input) == ("off", None)
    assert not any("another program" in d.message for d in off.diagnostics)
    pinned = tpt.compile(GATE).synth(backend="sat", examples=XOR_ROWS)
    assert (pinned.distinguish_check, pinned.distinguishing_input) == ("pinned_down", None)


def test_an_input_array_and_unassigned_outputs_in_the_distinguishing_input():
    # `y` depends on both inputs only through `p`; `z` is assigned on x[0] == 1 only.
    sketch = tpt.compile(
        """
        input x[2]: 2;
        param p: 2;
        output y: 2;
        output z: 2;
        y = if p == 0 { x[0] } else { x[1] };
        if x[0] == 1 { z = 1; }
        example { x = [0, 0]; y = 0; z = _; }
        """
    )
    result = sketch.synth(backend="sat")
    found = result.distinguishing_input
    assert result.distinguish_check == "distinguished"
    assert isinstance(found["inputs"]["x"], np.ndarray) and found["inputs"]["x"].shape == (2,)
    assert found["inputs"]["x"][0] != found["inputs"]["x"][1]
    assert found["differing"] == ["y"]
    assert found["outputs"]["y"] != found["other_outputs"]["y"]
    outputs = result.run({"x": found["inputs"]["x"]})
    assert outputs["y"] == found["outputs"]["y"] and outputs["z"] == found["outputs"]["z"]


def test_synth_all_lists_every_behaviour_and_says_the_list_is_complete():
    sketch = tpt.compile(TABLE)
    # t[2] and t[3] are open: 16 behaviours.
    every = sketch.synth_all(16, backend="sat")
    assert every.complete is True and len(every.programs) == 16
    tables = {tuple(p.params["t"].tolist()) for p in every.programs}
    assert len(tables) == 16 and all(t[:2] == (1, 2) for t in tables)
    some = sketch.synth_all(3, backend="sat")
    assert some.complete is False and len(some.programs) == 3
    assert any("more exist" in d.message for d in some.diagnostics)
    # A sketch whose examples pin the behaviour down lists one program, completely.
    one = tpt.compile(GATE).synth_all(5, backend="sat", examples=XOR_ROWS)
    assert one.complete is True and len(one.programs) == 1
    assert one.programs[0].params["table"].tolist() == [[0, 1], [1, 0]]
    # Nothing found: nothing listed.
    none = tpt.compile(GATES).synth_all(3, backend="sat")
    assert (none.status, none.programs, none.complete) == ("impossible", [], False)
    with pytest.raises(ValueError, match="at least one program"):
        sketch.synth_all(0)


# ------------------------------------------------------------------------------ cegis


def test_cegis_searches_on_the_examples_its_candidates_failed():
    sketch = tpt.compile(GATE)
    plain = sketch.synth(examples=XOR_ROWS, backend="gradsearch-la")
    assert plain.cegis is None
    for mode in (True, "all", "first"):
        result = sketch.synth(examples=XOR_ROWS, backend="gradsearch-la", cegis=mode, seed=1)
        assert result.status == "found", mode
        assert result.run({"a": 1, "b": 0})["y"] == 1
        examples, rounds = result.cegis["examples"], result.cegis["rounds"]
        assert examples[0] == 0 and len(set(examples)) == len(examples) <= 4, (mode, examples)
        assert rounds >= 1
        if mode == "first":
            assert len(examples) == rounds, "one counterexample joins per round"
    again = sketch.synth(examples=XOR_ROWS, backend="gradsearch-la", cegis="first", seed=1)
    assert all(np.array_equal(again.params[k], result.params[k]) for k in result.params)
    assert again.cegis == result.cegis and again.program == result.program


def test_cegis_settings_are_checked():
    sketch = tpt.compile(GATE)
    with pytest.raises(ValueError, match="cegis"):
        sketch.synth(examples=XOR_ROWS, cegis="some")
    with pytest.raises(tpt.SketchError, match="cegis"):
        sketch.synth(examples=XOR_ROWS, backend="exhaustive", cegis=True)
    exact = sketch.synth(examples=XOR_ROWS, backend="sat", cegis=True)
    assert exact.status == "found" and exact.cegis is None


# ------------------------------------------------------------------------------ pickling


def fields(result):
    """Everything a result says, in values that compare with ==."""
    params = result.params
    if params is not None:
        params = {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in params.items()}
    found = result.distinguishing_input
    if found is not None:
        found = {
            k: {n: w.tolist() if isinstance(w, np.ndarray) else w for n, w in v.items()} if isinstance(v, dict) else v
            for k, v in found.items()
        }
    listed = result.programs
    return {
        "status": result.status,
        "reason": result.reason,
        "backend": result.backend,
        "seed": result.seed,
        "steps": result.steps,
        "seconds": result.seconds,
        "params": params,
        "program": result.program,
        "sketch": result.sketch,
        "diagnostics": [d.rendered for d in result.diagnostics],
        "summary": result.summary,
        "cost": result.cost,
        "optimal": result.optimal,
        "violated_examples": result.violated_examples,
        "distinguish_check": result.distinguish_check,
        "distinguishing_input": found,
        "programs": None if listed is None else [fields(p) for p in listed],
        "complete": result.complete,
        "cegis": result.cegis,
        "repr": repr(result),
    }


def test_results_pickle_and_come_back_the_same():
    import pickle

    rows = [{"x": x, "y": (3 * x + 1) % 8} for x in range(8)]
    rows[5]["y"] = 7
    # Each result, with an input to run it on when it is found.
    results = [
        (tpt.compile(TABLE).synth(backend="sat"), {"x": 3}),
        (tpt.compile(TABLE).synth_all(3, backend="sat"), {"x": 2}),
        (tpt.compile(GATE).synth(backend="sat", examples=XOR_ROWS), {"a": 1, "b": 0}),
        (tpt.compile(CHAIN, set={"K": 16}).synth(backend="gradsearch", max_steps=3, seed=2), None),
        (tpt.compile(GATES).synth(backend="sat"), None),
        (tpt.compile(LINE).synth(seed=1), {"x": 1.5}),
        (tpt.compile(AFFINE).synth(examples=rows, backend="sat", max_violations=1), {"x": 5}),
        (tpt.compile(TABLE).synth(backend="gradsearch-la", cegis=True), {"x": 1}),
    ]
    assert {r.status for r, _ in results} == {"found", "not_found", "impossible"}
    for result, inputs in results:
        again = pickle.loads(pickle.dumps(result))
        assert type(again) is tpt.Result
        assert fields(again) == fields(result)
        if inputs is not None:
            assert again.run(inputs) == result.run(inputs)
    # A pickle is checked again, not believed: params that no longer fit are refused.
    found = pickle.dumps(results[2][0])
    broken = found.replace(b'"assignment":[0,1,1,0]', b'"assignment":[1,1,1,0]')
    assert broken != found
    with pytest.raises(ValueError, match="do not satisfy the program's examples"):
        pickle.loads(broken)
