//! The derive's view of the input: fields and variants with their settings, checked once so
//! the code generators need not look at syn's full syntax tree.

use syn::{Data, DeriveInput, Fields, Ident, Member, Type};

use crate::attrs::{self, FieldDelta};

/// What the derive input is.
pub(crate) enum Shape {
    /// A struct with these fields (none for a unit struct).
    Struct(Vec<Field>),
    /// An enum with these variants.
    Enum(Vec<Variant>),
}

/// One field of a struct or variant.
pub(crate) struct Field {
    /// `name` or `0`.
    pub(crate) member: Member,
    pub(crate) ty: Type,
    /// How its change is sent.
    pub(crate) delta: FieldDelta,
}

/// One variant of an enum.
pub(crate) struct Variant {
    pub(crate) ident: Ident,
    pub(crate) fields: Vec<Field>,
}

impl Shape {
    /// Reads the input, rejecting what has no owned delta: unions, lifetimes, empty enums.
    pub(crate) fn parse(input: &DeriveInput) -> syn::Result<Self> {
        if let Some(lifetime) = input.generics.lifetimes().next() {
            return Err(syn::Error::new_spanned(
                lifetime,
                "Diff cannot be derived for types with lifetime parameters: a delta must own its data",
            ));
        }
        match &input.data {
            Data::Struct(data) => Ok(Self::Struct(fields(&data.fields)?)),
            Data::Enum(data) if data.variants.is_empty() => Err(syn::Error::new_spanned(
                input,
                "Diff cannot be derived for an enum without variants",
            )),
            Data::Enum(data) => data
                .variants
                .iter()
                .map(variant)
                .collect::<syn::Result<_>>()
                .map(Self::Enum),
            Data::Union(data) => Err(syn::Error::new_spanned(
                data.union_token,
                "Diff cannot be derived for unions",
            )),
        }
    }
}

fn variant(variant: &syn::Variant) -> syn::Result<Variant> {
    attrs::reject(&variant.attrs, "enum variants")?;
    Ok(Variant {
        ident: variant.ident.clone(),
        fields: fields(&variant.fields)?,
    })
}

fn fields(fields: &Fields) -> syn::Result<Vec<Field>> {
    fields
        .iter()
        .zip(fields.members())
        .map(|(field, member)| {
            Ok(Field {
                member,
                ty: field.ty.clone(),
                delta: attrs::field_delta(&field.attrs)?,
            })
        })
        .collect()
}
