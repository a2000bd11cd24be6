//! A small JSON reader for the server's HTTP API (`/api/rooms`, `/api/leaderboard`), so the
//! wasm bundle carries neither serde_json nor the standard float parser.

/// One JSON value. Objects keep their keys in order; numbers are `f64`.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Any number.
    Number(f64),
    /// A string, escapes resolved.
    String(String),
    /// `[…]`.
    Array(Vec<Json>),
    /// `{…}`, in the order written.
    Object(Vec<(String, Json)>),
}

/// The deepest nesting accepted; the API nests three levels at most.
pub const MAX_DEPTH: usize = 16;

/// Significant digits kept from a number's mantissa; the rest only move the exponent.
const MAX_DIGITS: u32 = 18;

impl Json {
    /// The value of `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The number, if this is a whole number from 0 to `u32::MAX`.
    pub fn as_u32(&self) -> Option<u32> {
        let n = self.as_f64()?;
        (n >= 0.0 && n <= f64::from(u32::MAX) && n.fract() == 0.0).then_some(n as u32)
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }
}

/// Parses one JSON document (surrounding whitespace allowed, nothing after it).
pub fn parse(text: &str) -> Result<Json, String> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        at: 0,
    };
    let value = reader.value(0)?;
    reader.space();
    if reader.at != reader.bytes.len() {
        return Err(reader.error("trailing characters"));
    }
    Ok(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn error(&self, what: &str) -> String {
        format!("invalid JSON at byte {}: {what}", self.at)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.space();
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, String> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("unknown word"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.space();
        match self.peek() {
            Some(b'n') => self.literal("null", Json::Null),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::String),
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.error("expected , or ]"));
                        }
                    }
                }
                Ok(Json::Array(items))
            }
            Some(b'{') => {
                self.at += 1;
                let mut fields = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.space();
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return Err(self.error("expected :"));
                        }
                        fields.push((key, self.value(depth + 1)?));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.error("expected , or }"));
                        }
                    }
                }
                Ok(Json::Object(fields))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character")),
            None => Err(self.error("unexpected end")),
        }
    }

    fn digits(&mut self, mantissa: &mut u64, kept: &mut u32, dropped: &mut i32) -> usize {
        let start = self.at;
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            if *kept < MAX_DIGITS {
                *mantissa = *mantissa * 10 + u64::from(digit - b'0');
                if *mantissa > 0 {
                    *kept += 1;
                }
            } else {
                *dropped += 1;
            }
            self.at += 1;
        }
        self.at - start
    }

    /// Reads a number exactly enough for display: up to [`MAX_DIGITS`] significant digits.
    fn number(&mut self) -> Result<Json, String> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let (mut mantissa, mut kept, mut exponent) = (0u64, 0u32, 0i32);
        if self.digits(&mut mantissa, &mut kept, &mut exponent) == 0 {
            return Err(self.error("expected a digit"));
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            let mut dropped = 0;
            let read = self.digits(&mut mantissa, &mut kept, &mut dropped);
            if read == 0 {
                return Err(self.error("expected a digit after ."));
            }
            exponent -= read as i32 - dropped;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            let sign = match self.peek() {
                Some(b'-') => {
                    self.at += 1;
                    -1
                }
                Some(b'+') => {
                    self.at += 1;
                    1
                }
                _ => 1,
            };
            let mut written = 0i32;
            let start = self.at;
            while let Some(digit @ b'0'..=b'9') = self.peek() {
                written = written
                    .saturating_mul(10)
                    .saturating_add(i32::from(digit - b'0'));
                self.at += 1;
            }
            if self.at == start {
                return Err(self.error("expected an exponent"));
            }
            exponent = exponent.saturating_add(sign * written.min(400));
        }
        let magnitude = mantissa as f64;
        let value = if exponent < 0 {
            magnitude / 10f64.powi(-exponent)
        } else {
            magnitude * 10f64.powi(exponent)
        };
        Ok(Json::Number(if negative { -value } else { value }))
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .bytes
            .get(self.at..self.at + 4)
            .ok_or_else(|| self.error("short \\u escape"))?;
        let mut value = 0;
        for &digit in digits {
            let nibble = char::from(digit)
                .to_digit(16)
                .ok_or_else(|| self.error("bad \\u escape"))?;
            value = value * 16 + nibble;
        }
        self.at += 4;
        Ok(value)
    }

    fn string(&mut self) -> Result<String, String> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string"));
        }
        self.at += 1;
        let mut out = Vec::new();
        loop {
            let Some(byte) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            self.at += 1;
            match byte {
                b'"' => break,
                b'\\' => {
                    let Some(escape) = self.peek() else {
                        return Err(self.error("unterminated escape"));
                    };
                    self.at += 1;
                    let c = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut unit = self.hex4()?;
                            if (0xD800..0xDC00).contains(&unit)
                                && self.bytes[self.at..].starts_with(b"\\u")
                            {
                                self.at += 2;
                                let low = self.hex4()?;
                                unit = 0x10000
                                    + ((unit - 0xD800) << 10)
                                    + (low.wrapping_sub(0xDC00) & 0x3FF);
                            }
                            char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER)
                        }
                        _ => return Err(self.error("unknown escape")),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                byte => out.push(byte),
            }
        }
        // Escapes add whole characters and everything else is copied from valid UTF-8.
        String::from_utf8(out).map_err(|_| self.error("invalid UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_arrays_and_literals_parse_in_order() {
        let value = parse(r#" {"a": [1, true, null, "x"], "b": {"c": false}} "#).unwrap();
        assert_eq!(
            value,
            Json::Object(vec![
                (
                    "a".into(),
                    Json::Array(vec![
                        Json::Number(1.0),
                        Json::Bool(true),
                        Json::Null,
                        Json::String("x".into())
                    ])
                ),
                (
                    "b".into(),
                    Json::Object(vec![("c".into(), Json::Bool(false))])
                ),
            ])
        );
        assert_eq!(
            value.get("b").and_then(|b| b.get("c")),
            Some(&Json::Bool(false))
        );
    }

    #[test]
    fn numbers_parse_close_enough_to_show() {
        for (text, expected) in [
            ("0", 0.0),
            ("-7", -7.0),
            ("1.5", 1.5),
            ("119.93333333333334", 119.933_333_333_333_34),
            ("2e3", 2000.0),
            ("2.5E-1", 0.25),
            ("1234567890123456789012", 1.234_567_890_123_456_8e21),
        ] {
            let n = parse(text).unwrap().as_f64().unwrap();
            assert!(
                (n - expected).abs() <= expected.abs() * 1e-12,
                "{text}: {n}"
            );
        }
        assert_eq!(parse("3").unwrap().as_u32(), Some(3));
        assert_eq!(parse("3.5").unwrap().as_u32(), None);
        assert_eq!(parse("-1").unwrap().as_u32(), None);
    }

    #[test]
    fn strings_resolve_escapes_and_keep_unicode() {
        let text = r#""a\"b\\c\/\n\u00e9\ud83d\udc0d ünï""#;
        assert_eq!(parse(text).unwrap().as_str(), Some("a\"b\\c/\né🐍 ünï"));
    }

    #[test]
    fn malformed_documents_are_errors_not_panics() {
        for text in [
            "",
            "[",
            "{",
            "[1,]",
            "{\"a\"}",
            "{\"a\":}",
            "nul",
            "\"abc",
            "1.",
            "-",
            "1e",
            "\"\\x\"",
            "\"\\u12\"",
            "[1] x",
            "{1:2}",
        ] {
            assert!(parse(text).is_err(), "{text:?} parsed");
        }
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert!(parse(&deep).is_err());
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }
}
