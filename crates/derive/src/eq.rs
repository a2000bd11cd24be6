//! `PartialEq` for the generated types, written out rather than derived: a derive would ask
//! `T: PartialEq` of each type parameter, while comparing deltas needs `PartialEq` of each
//! field's delta, which `Diff` does not promise for a generic `T`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Generics, Ident, Path, Type, WherePredicate, parse_quote};

use crate::fields::{self, FieldCode};

/// `generics` plus what comparing the deltas of `fields` needs: `PartialEq` of each field's
/// delta (of the field itself if it is sent whole, of its shift if a deque), and of `whole`, the type sent whole when
/// an enum's variant changes. Concrete types need none: their fields are checked as they are
/// (and bounds on a recursive type's own delta would never finish resolving).
pub(crate) fn eq_generics(
    generics: &Generics,
    krate: &Path,
    fields: &[&FieldCode<'_>],
    whole: Option<&Type>,
) -> Generics {
    let mut generics = generics.clone();
    if generics.type_params().next().is_none() {
        return generics;
    }
    let field_predicates = fields.iter().map(|code| -> WherePredicate {
        let delta = fields::delta_type(krate, code.field);
        parse_quote!(#delta: ::core::cmp::PartialEq)
    });
    let whole_predicate =
        whole.map(|ty| -> WherePredicate { parse_quote!(#ty: ::core::cmp::PartialEq) });
    let predicates: Vec<_> = field_predicates.chain(whole_predicate).collect();
    generics.make_where_clause().predicates.extend(predicates);
    generics
}

/// `impl PartialEq for #ty` comparing `self` and `other` by `body`.
fn partial_eq_impl(ty: &Ident, generics: &Generics, body: &TokenStream) -> TokenStream {
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::core::cmp::PartialEq for #ty #ty_generics #where_clause {
            fn eq(&self, other: &Self) -> bool {
                #body
            }
        }
    }
}

/// For the public delta type, a newtype.
pub(crate) fn newtype_eq(ty: &Ident, generics: &Generics) -> TokenStream {
    partial_eq_impl(
        ty,
        generics,
        &quote!(::core::cmp::PartialEq::eq(&self.0, &other.0)),
    )
}

/// For an enum whose variants each hold one value: equal if the variants and values are.
pub(crate) fn enum_eq(ty: &Ident, generics: &Generics, variants: &[&Ident]) -> TokenStream {
    let body = match variants.len() {
        0 => quote!(match *self {}),
        count => {
            let other = (count > 1).then(|| quote!(_ => false,));
            quote! {
                match (self, other) {
                    #((Self::#variants(__a), Self::#variants(__b)) => ::core::cmp::PartialEq::eq(__a, __b),)*
                    #other
                }
            }
        }
    };
    partial_eq_impl(ty, generics, &body)
}
