//! Reads `#[diff(...)]` attributes, so the rest of the macro sees plain settings.

use syn::punctuated::Punctuated;
use syn::{Attribute, DeriveInput, LitStr, Path, Token, WherePredicate};

/// Settings of the type as a whole.
pub(crate) struct Container {
    /// Where `Diff`, `Message`, `DeltaError` and serde are found.
    pub(crate) krate: Path,
    /// `#[diff(bound = "...")]`: replaces the default bounds on type parameters.
    pub(crate) bound: Option<Vec<WherePredicate>>,
}

impl Container {
    /// Reads the type's `#[diff(crate = "...", bound = "...")]`.
    pub(crate) fn parse(input: &DeriveInput) -> syn::Result<Self> {
        let mut container = Self {
            krate: syn::parse_quote!(::tickwire),
            bound: None,
        };
        for attr in diff_attrs(&input.attrs) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("crate") {
                    container.krate = meta.value()?.parse::<LitStr>()?.parse()?;
                    Ok(())
                } else if meta.path.is_ident("bound") {
                    let predicates = meta
                        .value()?
                        .parse::<LitStr>()?
                        .parse_with(Punctuated::<WherePredicate, Token![,]>::parse_terminated)?;
                    container.bound = Some(predicates.into_iter().collect());
                    Ok(())
                } else {
                    Err(meta.error("unknown diff attribute on a type: expected `crate` or `bound`"))
                }
            })?;
        }
        Ok(container)
    }
}

/// Whether a field carries `#[diff(whole)]`.
pub(crate) fn is_whole(attrs: &[Attribute]) -> syn::Result<bool> {
    let mut whole = false;
    for attr in diff_attrs(attrs) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("whole") {
                whole = true;
                Ok(())
            } else {
                Err(meta.error("unknown diff attribute on a field: expected `whole`"))
            }
        })?;
    }
    Ok(whole)
}

/// Fails on any `#[diff(...)]`: for places that take none, such as enum variants.
pub(crate) fn reject(attrs: &[Attribute], place: &str) -> syn::Result<()> {
    match diff_attrs(attrs).next() {
        Some(attr) => Err(syn::Error::new_spanned(
            attr,
            format!("no diff attributes on {place}"),
        )),
        None => Ok(()),
    }
}

fn diff_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident("diff"))
}
