//! `Diff` for a struct: its delta is the list of changed fields, in field order.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, parse_quote};

use crate::attrs::Container;
use crate::fields::{FieldCode, FieldList};
use crate::items::{self, Bodies};
use crate::model::Field;
use crate::names::{self, Names};
use crate::{eq, generics};

/// `FooDelta`, its change enum and `impl Diff for Foo`.
pub(crate) fn expand(
    input: &DeriveInput,
    container: &Container,
    fields: &[Field],
) -> syn::Result<TokenStream> {
    let names = Names::new(&input.ident);
    let krate = &container.krate;
    let generics = generics::bounded(&input.generics, container, None);
    let (_, ty_generics, _) = generics.split_for_impl();
    let list = field_list(container, &names, fields);
    let codes: Vec<_> = list.fields.iter().collect();
    let eq_generics = eq::eq_generics(&generics, krate, &codes, None);

    let change = &names.change;
    let inner = parse_quote!(#krate::diff::FieldChanges<#change #ty_generics>);
    let delta = items::delta_struct(
        input,
        container,
        &generics,
        &eq_generics,
        &names.delta,
        &inner,
    );
    let change_items = items::change_items(container, &generics, &eq_generics, change, &codes)?;
    let bodies = bodies(container, input, &names, &list);
    let diff_impl = items::diff_impl(input, container, &generics, &names.delta, bodies);
    Ok(quote!(#delta #change_items #diff_impl))
}

fn field_list<'a>(
    container: &'a Container,
    names: &'a Names,
    fields: &'a [Field],
) -> FieldList<'a> {
    let fields = fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let member = &field.member;
            FieldCode {
                field,
                change: names::struct_field(member),
                base: quote!(&self.#member),
                next: quote!(&next.#member),
                value: names::local("v", index),
            }
        })
        .collect();
    FieldList {
        krate: &container.krate,
        change_enum: &names.change,
        fields,
    }
}

fn bodies(
    container: &Container,
    input: &DeriveInput,
    names: &Names,
    list: &FieldList<'_>,
) -> Bodies {
    let delta = &names.delta;
    let changes = list.diff();
    let takes = list.apply();
    let rebuild = list.rebuild();
    let leftover = items::leftover_error(container, &input.ident);
    Bodies {
        reads_next: !list.fields.is_empty(),
        diff: quote!(#delta(#changes)),
        apply: quote! {
            let mut __changes = delta.0.0.iter().peekable();
            #takes
            match __changes.next() {
                ::core::option::Option::Some(_) => #leftover,
                ::core::option::Option::None => ::core::result::Result::Ok(Self { #rebuild }),
            }
        },
        unchanged: list.unchanged(),
    }
}
