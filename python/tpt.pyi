"""Type stubs of the `tpt` module: program synthesis from sketches over finite domains."""

from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

__version__: str
DEFAULT_BACKEND: str

# A value of an input or output: an int, a (nested) list of ints, or a numpy array; None
# (or a masked element of a numpy masked array) leaves an output element unobserved.
Value = Union[int, None, Sequence[Any], npt.NDArray[Any]]

class SketchError(Exception):
    """A sketch, its settings or its examples are wrong. The message is the rendered
    diagnostics (as the command line prints them); `diagnostics` holds them one by one."""

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

def compile(source: str, *, set: Optional[Mapping[str, int]] = None, path: Optional[str] = None) -> Sketch:
    """Compile a sketch from its source text. `set` overrides constants (`--set K=64`); `path`
    is the name diagnostics give the source (default `<sketch>`). Raises `SketchError`."""

class Sketch:
    """A compiled sketch: checked, its examples expanded, lowered to the graph the back ends
    search."""

    path: str
    source: str
    warnings: List[Diagnostic]
    params: Dict[str, Tuple[Tuple[int, ...], int]]
    inputs: Dict[str, Tuple[Tuple[int, ...], int]]
    outputs: Dict[str, Tuple[Tuple[int, ...], int]]
    num_examples: int
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
    ) -> Result:
        """Search for the params.

        `examples` adds examples to the sketch's own, with the meaning of a `--data` file: a
        list of dicts (one per example, input and output names to values), or a dict of
        arrays whose first axis indexes the examples. Every input is given in full; `None`
        (or a masked element) leaves an output element unobserved.

        Raises `SketchError` for a wrong setting or wrong examples (before any search),
        `KeyboardInterrupt` on Ctrl-C (the result so far is its `result` attribute) and
        `InternalError` for a bug in tpt. The search runs without the GIL."""

class Result:
    """What a search produced."""

    status: Literal["found", "not_found", "impossible", "interrupted"]
    reason: str
    backend: str
    seed: int
    steps: int
    seconds: float
    params: Optional[Dict[str, Union[int, npt.NDArray[np.int64]]]]
    program: Optional[str]
    sketch: Optional[str]
    diagnostics: List[Diagnostic]
    summary: str
    def run(self, inputs: Mapping[str, Value]) -> Dict[str, Union[int, None, npt.NDArray[np.int64]]]:
        """Run the found program on new inputs with the exact interpreter; every output by
        name. Raises `ValueError` when nothing was found, `SketchError` for wrong inputs and
        `RunError` when the program fails on them."""
