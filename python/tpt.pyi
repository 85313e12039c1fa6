"""Type stubs of the `tpt` module: program synthesis from sketches over finite domains."""

from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, TypedDict, Union

import numpy as np
import numpy.typing as npt

__version__: str
DEFAULT_BACKEND: str

# A value of an input or output: an int, a (nested) list of ints, or a numpy array; None
# (or a masked element of a numpy masked array) leaves an output element unobserved. In an
# array of domain 2 (`bool`), True and False (and numpy booleans) are 1 and 0; a float is a
# value of a real array.
Value = Union[int, bool, float, None, Sequence[Any], npt.NDArray[Any]]

# A domain: its size, or "real" for a real array.
Domain = Union[int, Literal["real"]]

class ViolatedExample(TypedDict):
    """An example a program fails, as `--json` gives it."""

    label: str
    file: str
    line: int
    column: int

class DistinguishingInput(TypedDict):
    """An input on which two programs that fit the examples behave differently: the inputs,
    the found program's outputs, the other program's, and the observed output elements that
    differ (`y`, `y[1]`)."""

    inputs: Dict[str, Union[int, npt.NDArray[np.int64]]]
    outputs: Dict[str, Union[int, None, npt.NDArray[np.int64]]]
    other_outputs: Dict[str, Union[int, None, npt.NDArray[np.int64]]]
    differing: List[str]

class SketchError(Exception):
    """A sketch, its settings or its examples are wrong. The message is the rendered
    diagnostics (laid out as the command line prints them, settings named as this package's
    keyword arguments); `diagnostics` holds them one by one."""

    diagnostics: List[Diagnostic]

class RunError(SketchError):
    """The program failed on the given input: an `observe` does not hold, or a value left its
    domain. `outputs` holds what it computed."""

    outputs: Dict[str, Union[int, None, npt.NDArray[np.int64]]]

class InternalError(RuntimeError):
    """A bug in tpt: the lowered graph accepted a candidate that the exact interpreter
    rejects. No result is given; please report it with the program."""

    diagnostics: List[Diagnostic]

class Diagnostic:
    """One problem or remark, with where it points."""

    severity: Literal["error", "warning", "note"]
    message: str
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    help: Optional[str]
    notes: List[str]
    rendered: str

class BackendOption:
    """A back end's hyperparameter, as `Sketch.synth(options={key: value})` takes it."""

    key: str
    kind: str
    help: str
    default: Union[int, float, bool, str, None]

class Backend:
    """A back end (`Sketch.synth(backend=name)`)."""

    name: str
    summary: str
    exact: bool
    default: bool
    options: List[BackendOption]

def backends() -> List[Backend]:
    """Every back end, in the order `tpt backends` lists them, with its options."""

def compile(
    source: str, *, set: Optional[Mapping[str, int]] = None, path: Optional[str] = None, max_violations: int = 0
) -> Sketch:
    """Compile a sketch from its source text. `set` overrides constants (`--set K=64`); `path`
    is the name diagnostics give the source (default `<sketch>`). `max_violations` is how many
    examples the sketch's searches may give up (their default): examples that contradict each
    other (the same inputs, different outputs) are an error with 0, a warning with more, and
    an error again when they alone need more examples given up. Raises `SketchError`."""

class Sketch:
    """A compiled sketch: checked, its examples expanded, lowered to the graph the back ends
    search."""

    path: str
    source: str
    warnings: List[Diagnostic]
    params: Dict[str, Tuple[Tuple[int, ...], Domain]]
    """Each param's shape (`()` for a single value) and domain: its size, or `"real"`."""
    inputs: Dict[str, Tuple[Tuple[int, ...], Domain]]
    outputs: Dict[str, Tuple[Tuple[int, ...], Domain]]
    num_examples: int
    max_violations: int
    def synth(
        self,
        *,
        backend: str = ...,
        seed: int = 0,
        max_steps: int = 100000,
        timeout: Optional[float] = None,
        restarts: int = 1,
        examples: Union[Sequence[Mapping[str, Value]], Mapping[str, Value], None] = None,
        options: Optional[Mapping[str, Union[int, float, bool, str]]] = None,
        loss: Literal["ce", "mse"] = "ce",
        max_violations: Optional[int] = None,
        distinguish: bool = True,
        distinguish_conflicts: int = 10000,
        cegis: Union[bool, Literal["first", "all"], None] = None,
    ) -> Result:
        """Search for the params.

        `backend` defaults to `DEFAULT_BACKEND`, `"auto"`: the gradient search and the bundled
        CaDiCaL side by side, which finds a program when either would, proves impossibility
        and proves a `minimize` optimum within `max_steps` (the budget of both halves); on a
        sketch with real params it runs `"gradsearch-la"` alone (`Result.backend` says so, with
        a note first in `Result.diagnostics`).

        `examples` adds examples to the sketch's own, with the meaning of a `--data` file: a
        list of dicts (one per example, input and output names to values), or a dict of
        arrays whose first axis indexes the examples. Every input is given in full; `None`
        (or a masked element) leaves an output element unobserved.

        `max_violations` lets up to that many examples fail (`--max-violations`): exact back
        ends find a program that fails the fewest and prove it (`Result.optimal`), the others
        stop at that many or fewer; `Result.violated_examples` names them. `None` takes the
        sketch's (`compile(..., max_violations=N)`, default 0). Examples that contradict each
        other must need no more than that given up, or the search raises `SketchError`; the
        `examples` added here are held to this search's count. A sketch's
        `minimize` statements make the search look for the lowest cost (`Result.cost`).

        After a program is found, the exact engine checks whether the examples pin its
        behaviour down, with `distinguish_conflicts` conflicts per solve (`Result.
        distinguish_check`, `Result.distinguishing_input`); `distinguish=False` skips the check
        (`--no-distinguish`).

        `cegis` makes the search counterexample-guided (`--cegis`): `True` (the back end's
        choice), `"first"` or `"all"` (which failing examples join each round); `None` or
        `False`: every example at once. `Result.cegis` says what it searched on.

        Raises `SketchError` for a wrong setting or wrong examples (before any search),
        `KeyboardInterrupt` on Ctrl-C (the result so far is its `result` attribute) and
        `InternalError` for a bug in tpt. The search runs without the GIL."""
    def synth_all(
        self,
        n: int,
        *,
        backend: str = ...,
        seed: int = 0,
        max_steps: int = 100000,
        timeout: Optional[float] = None,
        restarts: int = 1,
        examples: Union[Sequence[Mapping[str, Value]], Mapping[str, Value], None] = None,
        options: Optional[Mapping[str, Union[int, float, bool, str]]] = None,
        loss: Literal["ce", "mse"] = "ce",
        max_violations: Optional[int] = None,
        distinguish_conflicts: int = 10000,
        cegis: Union[bool, Literal["first", "all"], None] = None,
    ) -> Result:
        """Search for the params, then list up to `n` programs (the found one first) that fit
        the examples and behave differently from each other on some input, each verified
        (`tpt synth --all N`): `Result.programs`, and `Result.complete` says whether they are
        every behaviour there is. The settings and errors are those of `synth`; `n` < 1
        raises `ValueError`."""

class Result:
    """What a search produced. A result pickles: unpickling compiles the sketch again from the
    saved sources and checks the params again with the exact interpreter (`ValueError` when
    they no longer fit)."""

    status: Literal["found", "not_found", "impossible", "interrupted"]
    reason: str
    backend: str
    seed: int
    steps: int
    seconds: float
    params: Optional[Dict[str, Union[int, float, npt.NDArray[np.int64], npt.NDArray[np.float64]]]]
    program: Optional[str]
    sketch: Optional[str]
    diagnostics: List[Diagnostic]
    summary: str
    cost: Optional[int]
    """The found program's objective (the sum of its `minimize` terms); None without an
    objective or without a found program."""
    optimal: Optional[bool]
    """Whether the found program is proven best (lowest cost; with `max_violations`, fewest
    examples given up); None when the search did not optimize or nothing was found."""
    violated_examples: Optional[List[ViolatedExample]]
    """The examples the found program fails (allowed by `max_violations`); None when nothing
    was found."""
    distinguish_check: Optional[
        Literal["pinned_down", "distinguished", "out_of_budget", "interrupted", "too_large", "reals", "internal_error", "off"]
    ]
    """How the check of whether the examples pin the behaviour down ended; None when nothing
    was found."""
    distinguishing_input: Optional[DistinguishingInput]
    """An input on which another program that fits the examples behaves differently."""
    programs: Optional[List[Result]]
    """From `synth_all`: the programs listed, the found one first; None from `synth`."""
    complete: Optional[bool]
    """From `synth_all`: whether `programs` is proven to hold every behaviour; None from
    `synth`."""
    cegis: Optional[Dict[str, Union[int, List[int]]]]
    """With `cegis=`: `{"examples": [...], "rounds": n}`, the examples the search ended on (in
    the order they joined) and how many searches on a set of examples it took; None without it
    and for `sat`, whose counterexample-guided search is its own."""
    def run(self, inputs: Mapping[str, Value]) -> Dict[str, Union[int, None, npt.NDArray[np.int64]]]:
        """Run the found program on new inputs with the exact interpreter; every output by
        name. Raises `ValueError` when nothing was found, `SketchError` for wrong inputs and
        `RunError` when the program fails on them."""
