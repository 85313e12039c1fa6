//! The symbol table: every name the file declares (with its kind, span, domain and shape) and
//! every use of a name with the declaration it resolves to. The checker builds it as it
//! resolves names, also when the file has errors, so that tools answer "what is this name",
//! "where is it declared" and "where is it used" on a file being written.

use serde::Serialize;
use tpt_source::span::Span;

/// What a name is declared as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SymbolKind {
    Const,
    Fn,
    Param,
    Input,
    Output,
    Var,
    /// The variable of a `for` loop (of the program or around examples).
    LoopVar,
    /// A parameter of a `fn`.
    FnParam,
}

/// The values a name takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SymbolDomain {
    /// The integers 0..n.
    Finite(u32),
    Real,
}

/// An index into [`SymbolTable::declarations`].
pub type DeclarationId = usize;

/// One declaration of a name.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Declaration {
    pub name: String,
    pub kind: SymbolKind,
    /// The name where it is declared.
    pub span: Span,
    /// The whole declaration: the item, the loop, or the `fn` parameter.
    pub declaration_span: Span,
    /// Where the name may be used: from the declaration to the end of the file for the
    /// top-level names (they are declared before use), the body of its loop or `fn` for a loop
    /// variable or a `fn` parameter.
    pub scope: Span,
    /// An array's element domain, a `fn`'s result domain, a `fn` parameter's domain; `None`
    /// for constants and loop variables, and where the declaration has an error.
    pub domain: Option<SymbolDomain>,
    /// An array's dimensions (empty for a scalar); `None` for the other kinds, and where the
    /// declaration has an error.
    pub dims: Option<Vec<usize>>,
    /// A constant's value (after `--set`).
    pub value: Option<i64>,
    /// Whether the declaration checked: uses of a declaration with an error are not reported
    /// again.
    pub checked: bool,
}

/// A name used somewhere, and what it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Use {
    pub span: Span,
    pub declaration: DeclarationId,
}

/// Every declaration and every resolved use of a checked file, in the order of the text.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SymbolTable {
    pub declarations: Vec<Declaration>,
    pub uses: Vec<Use>,
}

impl SymbolTable {
    pub(super) fn declare(&mut self, declaration: Declaration) -> DeclarationId {
        self.declarations.push(declaration);
        self.declarations.len() - 1
    }

    pub(super) fn used(&mut self, span: Span, declaration: DeclarationId) {
        self.uses.push(Use { span, declaration });
    }

    /// Sort the uses by position and drop repeats (an expression resolved twice).
    pub(super) fn finish(&mut self) {
        self.uses.sort_by_key(|u| (u.span.start, u.span.end));
        self.uses.dedup();
    }

    pub fn declaration(&self, id: DeclarationId) -> &Declaration {
        &self.declarations[id]
    }

    /// The declaration named at `offset`: by its declaration or by a use (go to definition,
    /// hover).
    pub fn at(&self, offset: usize) -> Option<DeclarationId> {
        let inside = |span: Span| span.start <= offset && offset < span.end;
        self.uses
            .iter()
            .find(|u| inside(u.span))
            .map(|u| u.declaration)
            .or_else(|| self.declarations.iter().position(|d| inside(d.span)))
    }

    /// Where the declaration is used, in the order of the text (find references, rename).
    pub fn uses_of(&self, id: DeclarationId) -> impl Iterator<Item = Span> + '_ {
        self.uses.iter().filter(move |u| u.declaration == id).map(|u| u.span)
    }

    /// The top-level declaration of `name` (constants, functions and arrays share one
    /// namespace), the first if it is declared twice.
    pub fn top_level(&self, name: &str) -> Option<DeclarationId> {
        self.declarations
            .iter()
            .position(|d| d.name == name && !matches!(d.kind, SymbolKind::LoopVar | SymbolKind::FnParam))
    }
}
