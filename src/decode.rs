//! Reads JSON the browser has parsed (`Response.json()`) into the `crates/api` types through
//! their derived `Deserialize`, so the shapes stay exactly serde's.
//!
//! It replaces serde-wasm-bindgen, whose error messages format every unexpected value
//! (floats included) at a cost of kilobytes (docs/size.md). Here a failure is just
//! [`Invalid`]; the client reports it as an unreadable answer.

use std::fmt;

use js_sys::{Array, Object, Reflect};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, Expected, IntoDeserializer,
    MapAccess, SeqAccess, Unexpected, VariantAccess, Visitor,
};
use wasm_bindgen::{JsCast, JsValue};

/// The value did not have the expected shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid;

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid value")
    }
}

impl std::error::Error for Invalid {}

// Every constructor is overridden so that no message is ever formatted.
impl de::Error for Invalid {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Invalid
    }
    fn invalid_type(_: Unexpected<'_>, _: &dyn Expected) -> Self {
        Invalid
    }
    fn invalid_value(_: Unexpected<'_>, _: &dyn Expected) -> Self {
        Invalid
    }
    fn invalid_length(_: usize, _: &dyn Expected) -> Self {
        Invalid
    }
    fn unknown_variant(_: &str, _: &'static [&'static str]) -> Self {
        Invalid
    }
    fn unknown_field(_: &str, _: &'static [&'static str]) -> Self {
        Invalid
    }
    fn missing_field(_: &'static str) -> Self {
        Invalid
    }
    fn duplicate_field(_: &'static str) -> Self {
        Invalid
    }
}

/// Reads a parsed JSON value as `T`.
pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Result<T, Invalid> {
    T::deserialize(Value(value))
}

/// The largest integer a JS number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

struct Value(JsValue);

impl<'de> Deserializer<'de> for Value {
    type Error = Invalid;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        let v = self.0;
        if v.is_null() || v.is_undefined() {
            visitor.visit_unit()
        } else if let Some(b) = v.as_bool() {
            visitor.visit_bool(b)
        } else if let Some(n) = v.as_f64() {
            if n.fract() == 0.0 && n.abs() <= MAX_SAFE {
                if n >= 0.0 {
                    visitor.visit_u64(n as u64)
                } else {
                    visitor.visit_i64(n as i64)
                }
            } else {
                visitor.visit_f64(n)
            }
        } else if let Some(s) = v.as_string() {
            visitor.visit_string(s)
        } else if Array::is_array(&v) {
            visitor.visit_seq(Items {
                items: v.unchecked_into(),
                next: 0,
            })
        } else if v.is_object() {
            let keys = Object::keys(v.unchecked_ref::<Object>());
            visitor.visit_map(Fields {
                object: v,
                keys,
                next: 0,
            })
        } else {
            Err(Invalid)
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        visitor.visit_newtype_struct(self)
    }

    /// Externally tagged: `"unit_variant"` or `{"variant": content}`.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        if self.0.is_string() {
            return visitor.visit_enum(Variant {
                tag: self.0,
                content: JsValue::UNDEFINED,
            });
        }
        let keys = Object::keys(self.0.dyn_ref::<Object>().ok_or(Invalid)?);
        if keys.length() != 1 {
            return Err(Invalid);
        }
        let tag = keys.get(0);
        let content = Reflect::get(&self.0, &tag).map_err(|_| Invalid)?;
        visitor.visit_enum(Variant { tag, content })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// A JSON array's items.
struct Items {
    items: Array,
    next: u32,
}

impl<'de> SeqAccess<'de> for Items {
    type Error = Invalid;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Invalid> {
        if self.next >= self.items.length() {
            return Ok(None);
        }
        let item = self.items.get(self.next);
        self.next += 1;
        seed.deserialize(Value(item)).map(Some)
    }
}

/// A JSON object's fields.
struct Fields {
    object: JsValue,
    keys: Array,
    next: u32,
}

impl<'de> MapAccess<'de> for Fields {
    type Error = Invalid;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Invalid> {
        if self.next >= self.keys.length() {
            return Ok(None);
        }
        seed.deserialize(Value(self.keys.get(self.next))).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Invalid> {
        let key = self.keys.get(self.next);
        self.next += 1;
        let value = Reflect::get(&self.object, &key).map_err(|_| Invalid)?;
        seed.deserialize(Value(value))
    }
}

/// One enum variant: its tag and content (`undefined` for a unit variant).
struct Variant {
    tag: JsValue,
    content: JsValue,
}

impl<'de> EnumAccess<'de> for Variant {
    type Error = Invalid;
    type Variant = Value;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Value), Invalid> {
        let tag = self.tag.as_string().ok_or(Invalid)?;
        let variant = seed.deserialize(IntoDeserializer::<Invalid>::into_deserializer(tag))?;
        Ok((variant, Value(self.content)))
    }
}

impl<'de> VariantAccess<'de> for Value {
    type Error = Invalid;

    fn unit_variant(self) -> Result<(), Invalid> {
        if self.0.is_undefined() || self.0.is_null() {
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Invalid> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Invalid> {
        self.deserialize_any(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        self.deserialize_any(visitor)
    }
}
