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

/// How a field's change is sent, chosen by its `#[diff(...)]` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldDelta {
    /// Its own `Diff::Delta` (no attribute).
    Diff,
    /// `#[diff(whole)]`: the next value, whole.
    Whole,
    /// `#[diff(deque)]`: its `ShiftDiff::Shift`, a push at one end and a trim at the other.
    Deque,
}

/// How a field's change is sent: `#[diff(whole)]`, `#[diff(deque)]`, or by its own `Diff`.
pub(crate) fn field_delta(attrs: &[Attribute]) -> syn::Result<FieldDelta> {
    let mut delta = FieldDelta::Diff;
    for attr in diff_attrs(attrs) {
        attr.parse_nested_meta(|meta| {
            let chosen = if meta.path.is_ident("whole") {
                FieldDelta::Whole
            } else if meta.path.is_ident("deque") {
                FieldDelta::Deque
            } else {
                return Err(
                    meta.error("unknown diff attribute on a field: expected `whole` or `deque`")
                );
            };
            if delta != FieldDelta::Diff && delta != chosen {
                return Err(meta.error("a field is sent `whole` or as a `deque`, not both"));
            }
            delta = chosen;
            Ok(())
        })?;
    }
    Ok(delta)
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

#[cfg(test)]
mod tests {
    use syn::{Attribute, parse_quote};

    use super::{FieldDelta, field_delta};

    fn parsed(attrs: &[Attribute]) -> Result<FieldDelta, String> {
        field_delta(attrs).map_err(|e| e.to_string())
    }

    #[test]
    fn a_field_is_diffed_sent_whole_or_a_deque() {
        assert_eq!(parsed(&[]), Ok(FieldDelta::Diff));
        assert_eq!(
            parsed(&[parse_quote!(#[diff(whole)])]),
            Ok(FieldDelta::Whole)
        );
        assert_eq!(
            parsed(&[parse_quote!(#[diff(deque)])]),
            Ok(FieldDelta::Deque)
        );
        assert_eq!(
            parsed(&[parse_quote!(#[diff(deque)]), parse_quote!(#[diff(deque)])]),
            Ok(FieldDelta::Deque)
        );
    }

    #[test]
    fn whole_and_deque_together_or_unknown_settings_are_refused() {
        let both = parsed(&[parse_quote!(#[diff(whole, deque)])]);
        assert!(both.is_err_and(|e| e.contains("not both")));
        let apart = parsed(&[parse_quote!(#[diff(deque)]), parse_quote!(#[diff(whole)])]);
        assert!(apart.is_err_and(|e| e.contains("not both")));
        let unknown = parsed(&[parse_quote!(#[diff(shift)])]);
        assert!(unknown.is_err_and(|e| e.contains("expected `whole` or `deque`")));
    }
}
