// tpt's C interface to CaDiCaL (src/cdcl.rs declares it): a heap-allocated `CaDiCaL::Solver`
// owned here, reached only through the public header `cadical.hpp` of the CaDiCaL sources that
// the `cadical` crate compiles and links (build.rs finds them and checks their version). The
// crate's own C interface lacks decision phases and configurations, and its handle hides the
// solver, so none of it is used.
//
// Every function is `noexcept`: a C++ exception (only `std::bad_alloc` can arise here) must not
// unwind into Rust, so it ends the process as a Rust allocation failure would.

#include "cadical.hpp"

#include <vector>

namespace {

// The solver's two callbacks, forwarded to the Rust functions set through
// `tpt_cadical_set_terminate` and `tpt_cadical_set_learn`.
class Callbacks final : public CaDiCaL::Terminator, public CaDiCaL::Learner {
public:
  void *terminate_state = nullptr;
  int (*terminate_function) (void *) = nullptr;
  void *learn_state = nullptr;
  void (*learn_function) (void *, const int *) = nullptr;

  bool terminate () override {
    return terminate_function && terminate_function (terminate_state) != 0;
  }

  // Every learnt clause is wanted (the Rust side counts one per conflict).
  bool learning (int) override { return learn_function != nullptr; }

  // CaDiCaL passes the clause a literal at a time, then 0; Rust gets it zero-terminated.
  void learn (int lit) override {
    clause.push_back (lit);
    if (lit)
      return;
    learn_function (learn_state, clause.data ());
    clause.clear ();
  }

private:
  std::vector<int> clause;
};

} // namespace

// The handle: the solver and its callbacks. Members are destroyed in reverse order, so the
// solver goes before the callbacks it may still hold.
struct TptCadical {
  Callbacks callbacks;
  CaDiCaL::Solver solver;
};

extern "C" {

const char *tpt_cadical_version () noexcept { return CaDiCaL::Solver::version (); }

// Never null: an allocation failure ends the process (see above).
TptCadical *tpt_cadical_new () noexcept { return new TptCadical; }

void tpt_cadical_delete (TptCadical *cadical) noexcept { delete cadical; }

void tpt_cadical_add (TptCadical *cadical, int lit) noexcept { cadical->solver.add (lit); }

void tpt_cadical_assume (TptCadical *cadical, int lit) noexcept {
  cadical->solver.assume (lit);
}

int tpt_cadical_solve (TptCadical *cadical) noexcept { return cadical->solver.solve (); }

int tpt_cadical_val (TptCadical *cadical, int lit) noexcept {
  return cadical->solver.val (lit);
}

int tpt_cadical_failed (TptCadical *cadical, int lit) noexcept {
  return cadical->solver.failed (lit);
}

int tpt_cadical_limit (TptCadical *cadical, const char *name, int limit) noexcept {
  return cadical->solver.limit (name, limit);
}

int tpt_cadical_set_option (TptCadical *cadical, const char *name, int value) noexcept {
  return cadical->solver.set (name, value);
}

int tpt_cadical_configure (TptCadical *cadical, const char *name) noexcept {
  return cadical->solver.configure (name);
}

void tpt_cadical_phase (TptCadical *cadical, int lit) noexcept { cadical->solver.phase (lit); }

void tpt_cadical_unphase (TptCadical *cadical, int lit) noexcept {
  cadical->solver.unphase (lit);
}

// With a null `terminate`, solves run until they end by themselves.
void tpt_cadical_set_terminate (TptCadical *cadical, void *state,
                                int (*terminate) (void *)) noexcept {
  cadical->callbacks.terminate_state = state;
  cadical->callbacks.terminate_function = terminate;
  if (terminate)
    cadical->solver.connect_terminator (&cadical->callbacks);
  else
    cadical->solver.disconnect_terminator ();
}

// `learn` gets every learnt clause, zero-terminated, valid for the call only; null stops it.
void tpt_cadical_set_learn (TptCadical *cadical, void *state,
                            void (*learn) (void *, const int *)) noexcept {
  cadical->callbacks.learn_state = state;
  cadical->callbacks.learn_function = learn;
  if (learn)
    cadical->solver.connect_learner (&cadical->callbacks);
  else
    cadical->solver.disconnect_learner ();
}

} // extern "C"
