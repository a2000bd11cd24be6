//! The generated items common to structs and enums: the public delta type, the private change
//! enum and the `Diff` impl's frame.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, Generics, Ident, LitStr, Path, Type};

use crate::attrs::Container;
use crate::fields::{self, FieldCode};
use crate::{eq, wire};

/// The derives of the generated types that cross the wire: what `Message` needs, through the
/// proto crate's serde. No serde bounds are inferred: the where clause (see `generics`)
/// already gives what is needed. `PartialEq` is written out (see `eq`).
pub(crate) fn derives(krate: &Path) -> TokenStream {
    let serde = quote!(#krate::__private::serde);
    let serde_path = LitStr::new(&serde.to_string(), proc_macro2::Span::call_site());
    quote! {
        #[derive(
            ::core::clone::Clone,
            ::core::fmt::Debug,
            #serde::Serialize,
            #serde::Deserialize,
        )]
        #[serde(crate = #serde_path, bound = "")]
    }
}

/// `pub struct FooDelta(inner);` with the type's visibility and generics, and its `PartialEq`.
pub(crate) fn delta_struct(
    input: &DeriveInput,
    container: &Container,
    generics: &Generics,
    eq_generics: &Generics,
    delta: &Ident,
    inner: &Type,
) -> TokenStream {
    let vis = &input.vis;
    let derives = derives(&container.krate);
    let doc = format!(
        "What changed in a [`{}`] from one value to a later one: made by `Diff::diff`, \
         applied by `Diff::apply`.",
        input.ident
    );
    let where_clause = &generics.where_clause;
    let delta_eq = eq::newtype_eq(delta, eq_generics);
    quote! {
        #[doc = #doc]
        #derives
        #vis struct #delta #generics (#inner) #where_clause;
        #delta_eq
    }
}

/// `enum __FooDeltaField { x(..), .. }`, one variant per field named after it, with its
/// `PartialEq` and its `FieldChange` impl (how it crosses the wire inside `FieldChanges`).
pub(crate) fn change_items(
    container: &Container,
    generics: &Generics,
    eq_generics: &Generics,
    change: &Ident,
    codes: &[&FieldCode<'_>],
) -> syn::Result<TokenStream> {
    let variants = codes
        .iter()
        .map(|code| fields::change_variant(&container.krate, code));
    let where_clause = &generics.where_clause;
    let names: Vec<_> = codes.iter().map(|code| &code.change).collect();
    let change_eq = eq::enum_eq(change, eq_generics, &names);
    let field_change = wire::field_change_impl(container, generics, change, codes)?;
    Ok(quote! {
        /// One changed field and its delta.
        #[derive(::core::clone::Clone, ::core::fmt::Debug)]
        #[allow(non_camel_case_types, clippy::enum_variant_names)]
        enum #change #generics #where_clause {
            #(#variants),*
        }
        #change_eq
        #field_change
    })
}

/// The bodies of the `Diff` impl's methods.
pub(crate) struct Bodies {
    /// Whether `diff` and `unchanged` read their `next` argument.
    pub(crate) reads_next: bool,
    pub(crate) diff: TokenStream,
    pub(crate) apply: TokenStream,
    pub(crate) unchanged: TokenStream,
}

/// `impl Diff for Foo { .. }` around the bodies.
pub(crate) fn diff_impl(
    input: &DeriveInput,
    container: &Container,
    generics: &Generics,
    delta: &Ident,
    bodies: Bodies,
) -> TokenStream {
    let krate = &container.krate;
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let next = if bodies.reads_next {
        quote!(next)
    } else {
        quote!(_)
    };
    let Bodies {
        diff,
        apply,
        unchanged,
        ..
    } = bodies;
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Diff for #ident #ty_generics #where_clause {
            type Delta = #delta #ty_generics;

            fn diff(&self, #next: &Self) -> Self::Delta {
                #diff
            }

            fn apply(
                &self,
                delta: &Self::Delta,
            ) -> ::core::result::Result<Self, #krate::DeltaError> {
                #apply
            }

            fn unchanged(&self, #next: &Self) -> bool {
                #unchanged
            }
        }
    }
}

/// An expression: the error for changes left over after every field took its own, which
/// are repeated, out of order, or (in an enum) of another variant.
pub(crate) fn leftover_error(container: &Container, ident: &Ident) -> TokenStream {
    let krate = &container.krate;
    let message = format!("changes to `{ident}` repeated, out of order or of another variant");
    quote!(::core::result::Result::Err(#krate::DeltaError(::std::string::String::from(#message))))
}
