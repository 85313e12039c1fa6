// The decision-phase and configuration calls of the CaDiCaL library that the `cadical` crate compiles and links
// (CaDiCaL 1.9.5): its C interface has no `phase`/`unphase` (CaDiCaL 2 adds them) and no `configure`, so these
// functions give them a C name. A handle from `ccadical_init` points at CaDiCaL's
// `Wrapper`, a struct deriving from the two interfaces `Learner` and `Terminator` (each only
// a virtual table pointer) whose first member is the `Solver *`; `WrapperLayout` repeats
// that layout to reach the solver. `tests` in src/solve/cdcl.rs check that phases take effect.

namespace CaDiCaL {
// Only the member functions called here; the class is defined in the bundled library.
class Solver {
public:
  bool configure (const char *);
  void phase (int lit);
  void unphase (int lit);
};
} // namespace CaDiCaL

namespace {
struct LearnerLayout {
  virtual ~LearnerLayout () {}
};
struct TerminatorLayout {
  virtual ~TerminatorLayout () {}
};
struct WrapperLayout : LearnerLayout, TerminatorLayout {
  CaDiCaL::Solver *solver;
};
} // namespace

extern "C" {
void tpt_cadical_phase (void *wrapper, int lit) {
  static_cast<WrapperLayout *> (wrapper)->solver->phase (lit);
}
int tpt_cadical_configure (void *wrapper, const char *name) {
  return static_cast<WrapperLayout *> (wrapper)->solver->configure (name);
}
void tpt_cadical_unphase (void *wrapper, int lit) {
  static_cast<WrapperLayout *> (wrapper)->solver->unphase (lit);
}
}
