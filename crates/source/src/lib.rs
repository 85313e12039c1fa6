//! tpt's vocabulary of places: byte spans into source files ([`span`]) and diagnostics as data,
//! with their rendering ([`diagnostics`]). Every stage reports through these.

pub mod diagnostics;
pub mod span;
