//! Text the page writes: HTML escaping, clocks and numbers. Numbers are written with
//! integers, because Rust's float formatting would cost the bundle kilobytes.

/// Escapes text for HTML. Names are already restricted by the server; this keeps the page
/// safe even if they were not.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `m:ss` for a number of seconds.
pub fn clock(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// `value` with one decimal, such as `2.5`, for seconds on the page. Written with integers:
/// Rust's float formatting would cost the bundle kilobytes for a few labels.
pub fn tenths(value: f64) -> String {
    let tenths = (value * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    format!("{sign}{}.{}", tenths.abs() / 10, tenths.abs() % 10)
}

/// `value` rounded to a whole number, for the page (see [`tenths`]).
pub fn whole(value: f64) -> String {
    (value.round() as i64).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_without_float_formatting() {
        assert_eq!(tenths(2.5), "2.5");
        assert_eq!(tenths(0.04), "0.0");
        assert_eq!(tenths(12.96), "13.0");
        assert_eq!(tenths(-1.25), "-1.3");
        assert_eq!(whole(41.6), "42");
        assert_eq!(whole(0.4), "0");
    }

    #[test]
    fn text_is_escaped_for_html_and_seconds_read_as_a_clock() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(125), "2:05");
    }
}
