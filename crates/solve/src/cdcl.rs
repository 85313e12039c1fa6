//! Clauses (DIMACS literals) -> answers of the bundled CaDiCaL: an incremental solver with
//! assumptions, a stop condition, a conflict limit per solve, named configurations, decision
//! phases and the unit clauses it learns. The `cadical` crate compiles and links CaDiCaL 1.9.5
//! (pinned); a small C++ shim of ours (`csrc/cadical_shim.cpp`, compiled by `build.rs` against
//! CaDiCaL's public header `cadical.hpp`) owns the `CaDiCaL::Solver` and gives it the C interface
//! declared here, since the crate's binding and C interface expose neither phases,
//! configurations nor the solver.

use std::ffi::{c_char, c_int, c_void, CStr, CString};

// The crate compiles CaDiCaL and links it; nothing of its Rust binding is used, so it must be
// named for the linker to keep the library.
extern crate cadical;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::StopCondition;

/// The shim's solver: a `CaDiCaL::Solver` with its callbacks, opaque here.
#[repr(C)]
struct Shim {
    _private: [u8; 0],
}

extern "C" {
    fn tpt_cadical_version() -> *const c_char;
    fn tpt_cadical_new() -> *mut Shim;
    fn tpt_cadical_delete(solver: *mut Shim);
    fn tpt_cadical_add(solver: *mut Shim, lit: c_int);
    fn tpt_cadical_assume(solver: *mut Shim, lit: c_int);
    fn tpt_cadical_solve(solver: *mut Shim) -> c_int;
    fn tpt_cadical_val(solver: *mut Shim, lit: c_int) -> c_int;
    fn tpt_cadical_failed(solver: *mut Shim, lit: c_int) -> c_int;
    fn tpt_cadical_limit(solver: *mut Shim, name: *const c_char, limit: c_int) -> c_int;
    #[cfg(test)]
    fn tpt_cadical_set_option(solver: *mut Shim, name: *const c_char, value: c_int) -> c_int;
    fn tpt_cadical_configure(solver: *mut Shim, name: *const c_char) -> c_int;
    fn tpt_cadical_phase(solver: *mut Shim, lit: c_int);
    fn tpt_cadical_unphase(solver: *mut Shim, lit: c_int);
    fn tpt_cadical_set_terminate(
        solver: *mut Shim,
        state: *mut c_void,
        terminate: Option<extern "C" fn(*mut c_void) -> c_int>,
    );
    fn tpt_cadical_set_learn(
        solver: *mut Shim,
        state: *mut c_void,
        learn: Option<extern "C" fn(*mut c_void, *const c_int)>,
    );
}

/// The version of the CaDiCaL library linked in (`1.9.5`).
pub fn version() -> &'static str {
    // SAFETY: CaDiCaL returns a static, zero-terminated string.
    unsafe { CStr::from_ptr(tpt_cadical_version()) }.to_str().unwrap_or_default()
}

/// What a solve answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Sat,
    Unsat,
    /// Stopped by the stop condition or the conflict limit.
    Stopped,
}

/// What another thread may see and steer of a running solve: a flag that ends it, the
/// conflicts so far (one learnt clause per conflict, counted by the learn callback), a count of
/// conflicts at which to end it, and the unit clauses learnt, each with the conflict count at
/// which it was learnt.
#[derive(Debug)]
pub struct Watch {
    pub cancel: AtomicBool,
    pub conflicts: AtomicU64,
    pub stop_at_conflicts: AtomicU64,
    pub units: Mutex<Vec<(u64, i32)>>,
}

impl Default for Watch {
    fn default() -> Self {
        Watch {
            cancel: AtomicBool::new(false),
            conflicts: AtomicU64::new(0),
            stop_at_conflicts: AtomicU64::new(u64::MAX),
            units: Mutex::new(Vec::new()),
        }
    }
}

/// What the solver's callbacks see: the run's stop condition and, when watched, the watch.
struct Hooks<'a> {
    stop: StopCondition<'a>,
    watch: Option<Arc<Watch>>,
}

extern "C" fn terminate(state: *mut c_void) -> c_int {
    // SAFETY: `state` is the `Hooks` box owned by the `Cdcl` whose solve is running.
    let hooks = unsafe { &*(state as *const Hooks) };
    let watched = hooks.watch.as_ref().is_some_and(|w| {
        w.cancel.load(Ordering::Relaxed)
            || w.conflicts.load(Ordering::Relaxed) >= w.stop_at_conflicts.load(Ordering::Relaxed)
    });
    c_int::from(watched || hooks.stop.reached())
}

extern "C" fn learn(state: *mut c_void, clause: *const c_int) {
    // SAFETY: as in `terminate`; the shim passes a zero-terminated clause.
    let hooks = unsafe { &*(state as *const Hooks) };
    let Some(watch) = &hooks.watch else { return };
    let count = watch.conflicts.fetch_add(1, Ordering::Relaxed) + 1;
    let first = unsafe { *clause };
    let second = if first == 0 { 0 } else { unsafe { *clause.add(1) } };
    if first != 0 && second == 0 {
        if let Ok(mut list) = watch.units.lock() {
            list.push((count, first));
        }
    }
}

/// One CaDiCaL instance.
pub struct Cdcl<'a> {
    handle: *mut Shim,
    hooks: Box<Hooks<'a>>,
}

// SAFETY: the handle is used by one thread at a time (every method takes `&mut self` or reads
// only after a solve returned); CaDiCaL keeps no thread-local state.
unsafe impl Send for Cdcl<'_> {}

impl<'a> Cdcl<'a> {
    pub fn new(stop: StopCondition<'a>) -> Self {
        // SAFETY: a fresh solver (never null: the shim aborts when out of memory); deleted in
        // `drop`.
        let handle = unsafe { tpt_cadical_new() };
        let mut hooks = Box::new(Hooks { stop, watch: None });
        let state = &mut *hooks as *mut Hooks as *mut c_void;
        // SAFETY: the box outlives the solver (both are dropped together, the solver first).
        unsafe { tpt_cadical_set_terminate(handle, state, Some(terminate)) };
        Cdcl { handle, hooks }
    }

    /// Let `watch` count conflicts, collect learnt units and end solves (see `Watch`).
    pub fn watch(&mut self, watch: Arc<Watch>) {
        self.hooks.watch = Some(watch);
        let state = &mut *self.hooks as *mut Hooks as *mut c_void;
        // SAFETY: as in `new`; every learnt clause is passed to `learn` (to count conflicts).
        unsafe { tpt_cadical_set_learn(self.handle, state, Some(learn)) };
    }

    pub fn add_clause(&mut self, clause: &[i32]) {
        for &lit in clause {
            // SAFETY: literals are nonzero DIMACS literals.
            unsafe { tpt_cadical_add(self.handle, lit) };
        }
        // SAFETY: ends the clause.
        unsafe { tpt_cadical_add(self.handle, 0) };
    }

    /// Solve under assumptions; with `conflicts`, stop after that many conflicts.
    pub fn solve(&mut self, assumptions: &[i32], conflicts: Option<u32>) -> Answer {
        for &lit in assumptions {
            // SAFETY: nonzero literals.
            unsafe { tpt_cadical_assume(self.handle, lit) };
        }
        if let Some(limit) = conflicts {
            let name = CString::new("conflicts").unwrap_or_default();
            let limit = c_int::try_from(limit).unwrap_or(c_int::MAX);
            // SAFETY: a limit CaDiCaL knows, valid for the next solve.
            unsafe { tpt_cadical_limit(self.handle, name.as_ptr(), limit) };
        }
        // SAFETY: the solver is in a state that accepts `solve` (CaDiCaL checks).
        match unsafe { tpt_cadical_solve(self.handle) } {
            10 => Answer::Sat,
            20 => Answer::Unsat,
            _ => Answer::Stopped,
        }
    }

    /// The value of a literal in the last model; variables the formula leaves free count as
    /// false.
    pub fn holds(&self, lit: i32) -> bool {
        // SAFETY: called after a satisfiable solve.
        unsafe { tpt_cadical_val(self.handle, lit) > 0 }
    }

    /// Whether an assumption of the last (unsatisfiable) solve is among those its proof used.
    pub fn failed(&self, lit: i32) -> bool {
        // SAFETY: called after an unsatisfiable solve under assumptions.
        unsafe { tpt_cadical_failed(self.handle, lit) != 0 }
    }

    /// Take one of CaDiCaL's named configurations (`default`, `plain`, `sat`, `unsat`). Call it
    /// right after `new` only: CaDiCaL aborts the process when clauses were added before.
    /// Returns whether CaDiCaL knows the name.
    pub fn configure(&mut self, name: &str) -> bool {
        let name = CString::new(name).unwrap_or_default();
        // SAFETY: `Solver::configure`, which checks its state and the name.
        unsafe { tpt_cadical_configure(self.handle, name.as_ptr()) != 0 }
    }

    /// Set one of CaDiCaL's options (before the first clause).
    #[cfg(test)]
    pub fn set_option(&mut self, name: &str, value: i32) {
        let name = CString::new(name).unwrap_or_default();
        // SAFETY: CaDiCaL ignores names it does not know.
        unsafe { tpt_cadical_set_option(self.handle, name.as_ptr(), value) };
    }

    /// Make decisions on `lit`'s variable prefer `lit` until `unphase`. CaDiCaL's "lucky"
    /// assignments (all true, all false, ..) are tried before any decision: turn them off
    /// (`set_option("lucky", 0)`) for the phases to decide the first model.
    pub fn phase(&mut self, lit: i32) {
        // SAFETY: `Solver::phase` of this handle's solver.
        unsafe { tpt_cadical_phase(self.handle, lit) };
    }

    pub fn unphase(&mut self, lit: i32) {
        // SAFETY: as in `phase`.
        unsafe { tpt_cadical_unphase(self.handle, lit) };
    }
}

impl Drop for Cdcl<'_> {
    fn drop(&mut self) {
        // SAFETY: the handle came from `tpt_cadical_new` and is deleted once.
        unsafe { tpt_cadical_delete(self.handle) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    fn never() -> StopCondition<'static> {
        static FLAG: AtomicBool = AtomicBool::new(false);
        StopCondition { flag: &FLAG, deadline: None }
    }

    /// A formula with many models: the forced phases decide which one the solver returns, in
    /// both directions (CaDiCaL's own default phase is true).
    #[test]
    fn phases_choose_the_model() {
        for wanted in [[true, false, true, false], [false, true, false, true], [false, false, true, true]] {
            let mut solver = Cdcl::new(never());
            solver.set_option("lucky", 0);
            // At least one of the four is true; nothing else.
            solver.add_clause(&[1, 2, 3, 4]);
            for (v, &value) in wanted.iter().enumerate() {
                let lit = v as i32 + 1;
                solver.phase(if value { lit } else { -lit });
            }
            assert_eq!(solver.solve(&[], None), Answer::Sat);
            let got: Vec<bool> = (1..=4).map(|v| solver.holds(v)).collect();
            assert_eq!(got, wanted);
            for v in 1..=4 {
                solver.unphase(v);
            }
            assert_eq!(solver.solve(&[], None), Answer::Sat);
        }
    }

    #[test]
    fn configurations_are_known_by_name_before_the_first_clause() {
        for name in ["default", "plain", "sat", "unsat"] {
            assert!(Cdcl::new(never()).configure(name), "{name}");
        }
        assert!(!Cdcl::new(never()).configure("fastest"));
        let mut solver = Cdcl::new(never());
        assert!(solver.configure("unsat"));
        pigeonhole(&mut solver, &[]);
        assert_eq!(solver.solve(&[], None), Answer::Unsat);
    }

    /// The pigeonhole formula of 4 pigeons and 3 holes (variables 1 to 12), unsatisfiable with
    /// conflicts to spare; `widen` is added to every clause.
    fn pigeonhole(solver: &mut Cdcl, widen: &[i32]) {
        pigeons_in_holes(solver, 4, 3, widen);
    }

    /// Every one of `pigeons` pigeons in one of `holes` holes (variable `p * holes + h + 1`), no
    /// two in one hole; `widen` is added to every clause. With one hole too few, CDCL needs
    /// exponentially many conflicts to refute it.
    fn pigeons_in_holes(solver: &mut Cdcl, pigeons: i32, holes: i32, widen: &[i32]) {
        let var = |p: i32, h: i32| p * holes + h + 1;
        let mut add = |literals: &[i32]| solver.add_clause(&[widen, literals].concat());
        for p in 0..pigeons {
            add(&(0..holes).map(|h| var(p, h)).collect::<Vec<_>>());
        }
        for h in 0..holes {
            for p in 0..pigeons {
                for q in p + 1..pigeons {
                    add(&[-var(p, h), -var(q, h)]);
                }
            }
        }
    }

    #[test]
    fn assumptions_conflict_limits_and_learnt_units() {
        let mut solver = Cdcl::new(never());
        pigeonhole(&mut solver, &[]);
        assert_eq!(solver.solve(&[], Some(0)), Answer::Stopped);
        assert_eq!(solver.solve(&[], None), Answer::Unsat);
        // The same pigeonhole clauses, each widened by the literal 13: every model
        // sets it, and with its phase forced false the solver refutes the rest and learns it.
        let mut solver = Cdcl::new(never());
        let watch = Arc::new(Watch::default());
        solver.watch(watch.clone());
        solver.set_option("lucky", 0);
        pigeonhole(&mut solver, &[13]);
        solver.phase(-13);
        assert_eq!(solver.solve(&[], None), Answer::Sat);
        assert!(solver.holds(13));
        let learnt: Vec<i32> = watch.units.lock().map(|u| u.iter().map(|&(_, l)| l).collect()).unwrap_or_default();
        assert!(learnt.contains(&13), "{learnt:?}");
        let conflicts = watch.conflicts.load(Ordering::Relaxed);
        assert!(conflicts > 0 && watch.units.lock().is_ok_and(|u| u.iter().all(|&(at, _)| at <= conflicts)));
        // A conflict budget through the watch ends the next solve.
        let mut solver = Cdcl::new(never());
        let watch = Arc::new(Watch::default());
        watch.stop_at_conflicts.store(0, Ordering::Relaxed);
        solver.watch(watch.clone());
        pigeonhole(&mut solver, &[]);
        assert_eq!(solver.solve(&[], None), Answer::Stopped);
        // A satisfiable formula under an assumption, and a failed assumption.
        let mut solver = Cdcl::new(never());
        solver.add_clause(&[-1, 2]);
        solver.add_clause(&[-2]);
        assert_eq!(solver.solve(&[-1], None), Answer::Sat);
        assert_eq!(solver.solve(&[1], None), Answer::Unsat);
        assert!(solver.failed(1));
    }

    #[test]
    fn the_linked_cadical_is_the_release_the_shim_is_checked_against() {
        // build.rs compiled the shim against the header of CaDiCaL `TPT_CADICAL_VERSION`.
        assert_eq!(env!("TPT_CADICAL_VERSION"), "1.9.5");
        assert_eq!(version(), env!("TPT_CADICAL_VERSION"));
    }

    #[test]
    fn an_unknown_configuration_is_refused_and_leaves_the_solver_as_it_was() {
        for name in ["fastest", "", "Default", "sat\0"] {
            let mut solver = Cdcl::new(never());
            assert!(!solver.configure(name), "{name:?}");
            pigeonhole(&mut solver, &[]);
            assert_eq!(solver.solve(&[], None), Answer::Unsat);
        }
    }

    /// A stop requested by another thread (as Ctrl-C or a deadline does) ends a solve that is
    /// running on a formula far too hard to finish: 12 pigeons in 11 holes.
    #[test]
    fn the_stop_condition_ends_a_hard_solve() {
        let flag = AtomicBool::new(false);
        let mut solver = Cdcl::new(StopCondition { flag: &flag, deadline: None });
        let watch = Arc::new(Watch::default());
        solver.watch(watch.clone());
        pigeons_in_holes(&mut solver, 12, 11, &[]);
        let solved = AtomicBool::new(false);
        // A conflict limit ends the solve if the stop does not; the count tells which did.
        let limit = 2_000_000;
        let answer = std::thread::scope(|scope| {
            scope.spawn(|| {
                while !solved.load(Ordering::Relaxed) && watch.conflicts.load(Ordering::Relaxed) < 1000 {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                flag.store(true, Ordering::Relaxed);
            });
            let answer = solver.solve(&[], Some(limit));
            solved.store(true, Ordering::Relaxed);
            answer
        });
        assert_eq!(answer, Answer::Stopped);
        let conflicts = watch.conflicts.load(Ordering::Relaxed);
        assert!((1000..u64::from(limit) / 2).contains(&conflicts), "{conflicts}");
    }
}
