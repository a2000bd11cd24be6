//! The change enum's `FieldChange` impl: how `FieldChanges` writes each change as its delta
//! alone (the field's index goes into the mask) and reads it back by index.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Generics, Ident};

use crate::attrs::Container;
use crate::fields::FieldCode;

/// `FieldChange::MAX_FIELDS`: the mask is a `u128`.
const MAX_FIELDS: usize = 128;

/// `impl FieldChange for __FooDeltaField`, for the change variants of `fields`, in order.
pub(crate) fn field_change_impl(
    container: &Container,
    generics: &Generics,
    change: &Ident,
    fields: &[&FieldCode<'_>],
) -> syn::Result<TokenStream> {
    if fields.len() > MAX_FIELDS {
        return Err(syn::Error::new(
            Span::call_site(),
            format!("Diff can be derived for at most {MAX_FIELDS} fields (all variants' together)"),
        ));
    }
    let krate = &container.krate;
    let serde = quote!(#krate::__private::serde);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let count = u32::try_from(fields.len()).unwrap_or(u32::MAX);
    let variants: Vec<&Ident> = fields.iter().map(|code| &code.change).collect();
    let indices = (0..count).map(|index| quote!(#index));
    let (index, serialize, deserialize) = if fields.is_empty() {
        (
            quote!(match *self {}),
            quote!(match *self {}),
            quote!(::core::result::Result::Ok(::core::option::Option::None)),
        )
    } else {
        (
            quote!(match self { #(Self::#variants(_) => #indices,)* }),
            quote!(match self {
                #(Self::#variants(__delta) => #serde::ser::SerializeTuple::serialize_element(__tuple, __delta),)*
            }),
            deserialize_match(&serde, &variants),
        )
    };
    let (tuple, index_arg, seq) = if fields.is_empty() {
        (quote!(_), quote!(_), quote!(_))
    } else {
        (quote!(__tuple), quote!(__index), quote!(__seq))
    };
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics #krate::diff::FieldChange for #change #ty_generics #where_clause {
            const COUNT: u32 = #count;

            fn index(&self) -> u32 {
                #index
            }

            fn serialize_delta<__S: #serde::ser::SerializeTuple>(
                &self,
                #tuple: &mut __S,
            ) -> ::core::result::Result<(), __S::Error> {
                #serialize
            }

            fn deserialize_delta<'__de, __A: #serde::de::SeqAccess<'__de>>(
                #index_arg: u32,
                #seq: &mut __A,
            ) -> ::core::result::Result<::core::option::Option<Self>, __A::Error> {
                #deserialize
            }
        }
    })
}

/// `match __index { 0 => read as variant 0, .. }`.
fn deserialize_match(serde: &TokenStream, variants: &[&Ident]) -> TokenStream {
    let arms = variants.iter().zip(0_u32..).map(|(variant, index)| {
        quote! {
            #index => ::core::result::Result::map(
                #serde::de::SeqAccess::next_element(__seq),
                |__delta| ::core::option::Option::map(__delta, Self::#variant),
            ),
        }
    });
    quote! {
        match __index {
            #(#arms)*
            _ => ::core::result::Result::Ok(::core::option::Option::None),
        }
    }
}
