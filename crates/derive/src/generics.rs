//! Generics of the generated items: the type's own, plus the bounds that `Diff` needs.

use syn::{Generics, WherePredicate, parse_quote};

use crate::attrs::Container;

/// `generics` with `#[diff(bound = "...")]`, or by default `T: Diff + Message` for every type
/// parameter `T`, and `extra` added to the where clause.
pub(crate) fn bounded(
    generics: &Generics,
    container: &Container,
    extra: Option<WherePredicate>,
) -> Generics {
    let krate = &container.krate;
    let mut predicates: Vec<WherePredicate> = match &container.bound {
        Some(bound) => bound.clone(),
        None => generics
            .type_params()
            .map(|param| {
                let ident = &param.ident;
                parse_quote!(#ident: #krate::Diff + #krate::Message)
            })
            .collect(),
    };
    predicates.extend(extra);
    let mut generics = generics.clone();
    if !predicates.is_empty() {
        generics.make_where_clause().predicates.extend(predicates);
    }
    generics
}
