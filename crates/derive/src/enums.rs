//! `Diff` for an enum: the whole next value when the variant changed, else the list of the
//! variant's changed fields, in field order.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, Generics, Ident, Type, parse_quote};

use crate::attrs::Container;
use crate::fields::{FieldCode, FieldList};
use crate::items::{self, Bodies};
use crate::model::Variant;
use crate::names::{self, Names};
use crate::{eq, generics};

/// A variant, with the patterns that bind its fields in the baseline and in the next value.
struct VariantCode<'a> {
    ident: &'a Ident,
    fields: FieldList<'a>,
    base_pattern: TokenStream,
    next_pattern: TokenStream,
}

/// `FooDelta`, its kind and change enums and `impl Diff for Foo`.
pub(crate) fn expand(
    input: &DeriveInput,
    container: &Container,
    variants: &[Variant],
) -> syn::Result<TokenStream> {
    let names = Names::new(&input.ident);
    let krate = &container.krate;
    let (_, own_ty_generics, _) = input.generics.split_for_impl();
    let ident = &input.ident;
    let whole: Type = parse_quote!(#ident #own_ty_generics);
    // A changed variant is sent whole, so the enum itself must cross the wire.
    let predicate = parse_quote!(#whole: #krate::Message);
    let generics = generics::bounded(&input.generics, container, Some(predicate));
    let (_, ty_generics, _) = generics.split_for_impl();
    let variants = variant_codes(container, &names, variants);
    check_unique_changes(&variants)?;
    let codes: Vec<_> = variants.iter().flat_map(|v| &v.fields.fields).collect();
    let eq_generics = eq::eq_generics(&generics, krate, &codes, Some(&whole));

    let kind = &names.kind;
    let inner = parse_quote!(#kind #ty_generics);
    let delta = items::delta_struct(
        input,
        container,
        &generics,
        &eq_generics,
        &names.delta,
        &inner,
    );
    let kind_enum = kind_enum(&whole, container, &generics, &eq_generics, &names);
    let change_items =
        items::change_items(container, &generics, &eq_generics, &names.change, &codes)?;
    let bodies = Bodies {
        reads_next: true,
        diff: diff_body(&names, &variants),
        apply: apply_body(container, input, &names, &variants),
        unchanged: unchanged_body(&variants),
    };
    let diff_impl = items::diff_impl(input, container, &generics, &names.delta, bodies);
    Ok(quote!(#delta #kind_enum #change_items #diff_impl))
}

fn variant_codes<'a>(
    container: &'a Container,
    names: &'a Names,
    variants: &'a [Variant],
) -> Vec<VariantCode<'a>> {
    variants
        .iter()
        .map(|variant| {
            let fields: Vec<_> = variant
                .fields
                .iter()
                .enumerate()
                .map(|(index, field)| {
                    let base = names::local("b", index);
                    let next = names::local("n", index);
                    FieldCode {
                        field,
                        change: names::variant_field(&variant.ident, &field.member),
                        base: quote!(#base),
                        next: quote!(#next),
                        value: names::local("v", index),
                    }
                })
                .collect();
            let members: Vec<_> = fields.iter().map(|code| &code.field.member).collect();
            let bases = fields.iter().map(|code| &code.base);
            let nexts = fields.iter().map(|code| &code.next);
            let ident = &variant.ident;
            VariantCode {
                ident,
                base_pattern: quote!(Self::#ident { #(#members: #bases),* }),
                next_pattern: quote!(Self::#ident { #(#members: #nexts),* }),
                fields: FieldList {
                    krate: &container.krate,
                    change_enum: &names.change,
                    fields,
                },
            }
        })
        .collect()
}

/// `Variant_field` names are joined with `_`, so two pairs can meet: `A_b` + `c`, `A` + `b_c`.
fn check_unique_changes(variants: &[VariantCode<'_>]) -> syn::Result<()> {
    let mut seen = HashSet::new();
    for code in variants.iter().flat_map(|v| &v.fields.fields) {
        if !seen.insert(code.change.to_string()) {
            return Err(syn::Error::new_spanned(
                &code.field.member,
                format!(
                    "two fields of this enum are both named `{}` in its delta: rename one",
                    code.change
                ),
            ));
        }
    }
    Ok(())
}

/// `enum __FooDeltaKind { Whole(Foo), Same(FieldChanges<__FooDeltaField>) }` and its
/// `PartialEq`.
fn kind_enum(
    whole: &Type,
    container: &Container,
    generics: &Generics,
    eq_generics: &Generics,
    names: &Names,
) -> TokenStream {
    let krate = &container.krate;
    let derives = items::derives(krate);
    let (_, ty_generics, where_clause) = generics.split_for_impl();
    let Names { kind, change, .. } = names;
    let kind_eq = eq::enum_eq(
        kind,
        eq_generics,
        &[&parse_quote!(Whole), &parse_quote!(Same)],
    );
    quote! {
        /// The whole next value, or the changed fields of the same variant.
        #derives
        #[allow(clippy::large_enum_variant)]
        enum #kind #generics #where_clause {
            /// The variant changed: the next value, whole.
            Whole(#whole),
            /// The variant is the same: its changed fields, in field order.
            Same(#krate::diff::FieldChanges<#change #ty_generics>),
        }
        #kind_eq
    }
}

fn diff_body(names: &Names, variants: &[VariantCode<'_>]) -> TokenStream {
    let Names { delta, kind, .. } = names;
    let arms = variants.iter().map(|code| {
        let VariantCode {
            base_pattern,
            next_pattern,
            fields,
            ..
        } = code;
        let changes = fields.diff();
        quote!((#base_pattern, #next_pattern) => #delta(#kind::Same(#changes)),)
    });
    let other = (variants.len() > 1)
        .then(|| quote!(_ => #delta(#kind::Whole(::core::clone::Clone::clone(next))),));
    quote! {
        match (self, next) {
            #(#arms)*
            #other
        }
    }
}

fn apply_body(
    container: &Container,
    input: &DeriveInput,
    names: &Names,
    variants: &[VariantCode<'_>],
) -> TokenStream {
    let kind = &names.kind;
    let arms = variants.iter().map(|code| {
        let VariantCode {
            ident,
            base_pattern,
            fields,
            ..
        } = code;
        let takes = fields.apply();
        let rebuild = fields.rebuild();
        quote!(#base_pattern => { #takes Self::#ident { #rebuild } })
    });
    let leftover = items::leftover_error(container, &input.ident);
    quote! {
        match &delta.0 {
            #kind::Whole(__whole) => {
                ::core::result::Result::Ok(::core::clone::Clone::clone(__whole))
            }
            #kind::Same(__same) => {
                let mut __changes = __same.0.iter().peekable();
                let __value = match self {
                    #(#arms)*
                };
                match __changes.next() {
                    ::core::option::Option::Some(_) => #leftover,
                    ::core::option::Option::None => ::core::result::Result::Ok(__value),
                }
            }
        }
    }
}

fn unchanged_body(variants: &[VariantCode<'_>]) -> TokenStream {
    let arms = variants.iter().map(|code| {
        let VariantCode {
            base_pattern,
            next_pattern,
            fields,
            ..
        } = code;
        let unchanged = fields.unchanged();
        quote!((#base_pattern, #next_pattern) => #unchanged,)
    });
    let other = (variants.len() > 1).then(|| quote!(_ => false,));
    quote! {
        match (self, next) {
            #(#arms)*
            #other
        }
    }
}
