//! Code for one list of fields, shared by a struct and each variant of an enum: the change
//! enum's variants, and the diff, apply and unchanged code of those fields.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Path};

use crate::attrs::FieldDelta;
use crate::model::Field;

/// The type a field's change carries: its `Diff::Delta`, itself (whole), or its
/// `ShiftDiff::Shift` (deque), spanned at the field's type.
pub(crate) fn delta_type(krate: &Path, field: &Field) -> TokenStream {
    let ty = &field.ty;
    match field.delta {
        FieldDelta::Whole => quote!(#ty),
        FieldDelta::Diff => quote_spanned!(ty.span()=> <#ty as #krate::Diff>::Delta),
        FieldDelta::Deque => {
            quote_spanned!(ty.span()=> <#ty as #krate::diff::ShiftDiff>::Shift)
        }
    }
}

/// One field as the generated code sees it.
pub(crate) struct FieldCode<'a> {
    pub(crate) field: &'a Field,
    /// Its variant of the change enum.
    pub(crate) change: Ident,
    /// An expression for `&field` in the baseline: `&self.x`, or a binding.
    pub(crate) base: TokenStream,
    /// An expression for `&field` in the next value.
    pub(crate) next: TokenStream,
    /// The local that holds the field's applied value.
    pub(crate) value: Ident,
}

/// The fields of a struct or of one variant, and where their changes are listed.
pub(crate) struct FieldList<'a> {
    pub(crate) krate: &'a Path,
    /// The change enum.
    pub(crate) change_enum: &'a Ident,
    pub(crate) fields: Vec<FieldCode<'a>>,
}

impl FieldList<'_> {
    /// An expression: the `FieldChanges` from the baseline's fields to the next value's.
    pub(crate) fn diff(&self) -> TokenStream {
        let krate = self.krate;
        if self.fields.is_empty() {
            return quote!(#krate::diff::FieldChanges(::std::vec::Vec::new()));
        }
        let pushes = self.fields.iter().map(|code| self.push_if_changed(code));
        quote!({
            let mut __changes = ::std::vec::Vec::new();
            #(#pushes)*
            #krate::diff::FieldChanges(__changes)
        })
    }

    fn push_if_changed(&self, code: &FieldCode<'_>) -> TokenStream {
        let FieldCode {
            field,
            change,
            base,
            next,
            ..
        } = code;
        let change_enum = self.change_enum;
        let changed = self.changed(field, base, next);
        let delta = match field.delta {
            FieldDelta::Whole => quote!(::core::clone::Clone::clone(#next)),
            FieldDelta::Diff => {
                let diff = self.trait_fn(field, "diff");
                quote!(#diff(#base, #next))
            }
            FieldDelta::Deque => {
                let diff = self.shift_fn(field, "diff_shift");
                quote!(#diff(#base, #next))
            }
        };
        quote!(if #changed { __changes.push(#change_enum::#change(#delta)); })
    }

    /// Statements that bind each field's applied value, taking its change from the iterator
    /// `__changes` if it is next in line, else cloning the baseline's field.
    pub(crate) fn apply(&self) -> TokenStream {
        let change_enum = self.change_enum;
        let takes = self.fields.iter().map(|code| {
            let FieldCode {
                field,
                change,
                base,
                value,
                ..
            } = code;
            let applied = match field.delta {
                FieldDelta::Whole => quote!(::core::clone::Clone::clone(__delta)),
                FieldDelta::Diff => {
                    let apply = self.trait_fn(field, "apply");
                    quote!(#apply(#base, __delta)?)
                }
                FieldDelta::Deque => {
                    let apply = self.shift_fn(field, "apply_shift");
                    quote!(#apply(#base, __delta)?)
                }
            };
            let clone = clone_fn(field);
            quote! {
                let #value = if let ::core::option::Option::Some(#change_enum::#change(__delta)) =
                    __changes.peek().copied()
                {
                    __changes.next();
                    #applied
                } else {
                    #clone(#base)
                };
            }
        });
        quote!(#(#takes)*)
    }

    /// An expression: whether every field is unchanged.
    pub(crate) fn unchanged(&self) -> TokenStream {
        if self.fields.is_empty() {
            return quote!(true);
        }
        let checks = self.fields.iter().map(
            |FieldCode {
                 field, base, next, ..
             }| {
                match field.delta {
                    FieldDelta::Whole => quote!(::core::cmp::PartialEq::eq(#base, #next)),
                    FieldDelta::Diff | FieldDelta::Deque => {
                        let unchanged = self.trait_fn(field, "unchanged");
                        quote!(#unchanged(#base, #next))
                    }
                }
            },
        );
        quote!(#(#checks)&&*)
    }

    /// An expression: whether the field changed from `base` to `next`. A deque's
    /// `unchanged` is its own `Diff`'s: element by element.
    fn changed(&self, field: &Field, base: &TokenStream, next: &TokenStream) -> TokenStream {
        match field.delta {
            FieldDelta::Whole => quote!(::core::cmp::PartialEq::ne(#base, #next)),
            FieldDelta::Diff | FieldDelta::Deque => {
                let unchanged = self.trait_fn(field, "unchanged");
                quote!(!#unchanged(#base, #next))
            }
        }
    }

    /// `member: value` for each field, to build the applied value.
    pub(crate) fn rebuild(&self) -> TokenStream {
        let members = self.fields.iter().map(|code| &code.field.member);
        let values = self.fields.iter().map(|code| &code.value);
        quote!(#(#members: #values),*)
    }

    /// `Diff::name`, spanned at the field's type so that a missing impl is reported there.
    fn trait_fn(&self, field: &Field, name: &str) -> TokenStream {
        let krate = self.krate;
        let name = Ident::new(name, Span::call_site());
        quote_spanned!(field.ty.span()=> #krate::Diff::#name)
    }

    /// `ShiftDiff::name`, spanned at the field's type: a `#[diff(deque)]` on a type that is
    /// no sequence is reported there.
    fn shift_fn(&self, field: &Field, name: &str) -> TokenStream {
        let krate = self.krate;
        let name = Ident::new(name, Span::call_site());
        quote_spanned!(field.ty.span()=> #krate::diff::ShiftDiff::#name)
    }
}

/// `Clone::clone`, spanned at the field's type so that a missing impl is reported there.
fn clone_fn(field: &Field) -> TokenStream {
    quote_spanned!(field.ty.span()=> ::core::clone::Clone::clone)
}

/// The change enum's variant for a field: `x(<X as Diff>::Delta)`, `x(X)` if sent whole, or
/// `x(<X as ShiftDiff>::Shift)` for a deque.
pub(crate) fn change_variant(krate: &Path, code: &FieldCode<'_>) -> TokenStream {
    let FieldCode { field, change, .. } = code;
    let doc = match field.delta {
        FieldDelta::Whole => format!("`{change}` changed: its next value."),
        FieldDelta::Diff => format!("`{change}` changed: its delta."),
        FieldDelta::Deque => format!("`{change}` changed: its shift or element-wise delta."),
    };
    let delta = delta_type(krate, field);
    quote!(#[doc = #doc] #change(#delta))
}
