//! Dates written in other calendars and numerals, converted to the Gregorian day:
//!
//! * Solar Hijri (Iranian, Afghan pages): "۲۵ آبان ۱۴۰۲", and year-first numerals written in
//!   Persian digits ("۱۴۰۲/۰۸/۲۵");
//! * Hijri (lunar, Umm al-Qura as Saudi and Gulf outlets use it): "٢١ شوال ١٤٤٠ هـ", and
//!   year-first numerals marked `هـ`;
//! * Thai, Buddhist era: "24 มิถุนายน 2562", "24 มิ.ย. 62" (two-digit era years with abbreviated
//!   months), and Gregorian years with Thai months;
//! * Japanese eras: "令和元年6月24日", "平成31年4月30日"; Taiwan's Minguo years: "民國108年6月24日";
//! * Chinese numerals: "二〇一九年六月二十四日".
//!
//! Calendar arithmetic is `icu_calendar`'s. The text given has its digits already folded to ASCII
//! (`text::find_text_dates` does that); offsets returned are in it. Only complete dates are taken;
//! a year-first numeral is taken only where its calendar is marked (Persian digits for Solar
//! Hijri, `هـ` for Hijri), since a bare `1440/10/21` could be either.

use chrono::NaiveDate;
use icu_calendar::cal::Hijri;
use icu_calendar::{AsCalendar, Date, Iso};
use regex::Regex;
use std::sync::LazyLock;

/// Solar Hijri month names (Iranian; Afghan Dari names too), 1–12.
const SOLAR_MONTHS: [&[&str]; 12] = [
    &["فروردین", "حمل"],
    &["اردیبهشت", "ثور"],
    &["خرداد", "جوزا"],
    &["تیر", "سرطان"],
    &["مرداد", "امرداد", "اسد"],
    &["شهریور", "سنبله"],
    &["مهر", "میزان"],
    &["آبان", "عقرب"],
    &["آذر", "قوس"],
    &["دی", "جدی"],
    &["بهمن", "دلو"],
    &["اسفند", "حوت"],
];

/// Hijri month names (Arabic spellings with and without hamza), 1–12.
const HIJRI_MONTHS: [&[&str]; 12] = [
    &["محرم", "المحرم"],
    &["صفر"],
    &["ربيع الأول", "ربيع الاول", "ربيع أول"],
    &["ربيع الآخر", "ربيع الثاني", "ربيع الاخر", "ربيع ثاني"],
    &["جمادى الأولى", "جمادى الاولى", "جمادي الأولى", "جمادي الاولى"],
    &[
        "جمادى الآخرة",
        "جمادى الثانية",
        "جمادى الاخرة",
        "جمادي الآخرة",
        "جمادي الثانية",
    ],
    &["رجب"],
    &["شعبان"],
    &["رمضان"],
    &["شوال"],
    &["ذو القعدة", "ذي القعدة"],
    &["ذو الحجة", "ذي الحجة"],
];

/// Thai month names, full and abbreviated (the abbreviations' dots are optional), 1–12.
const THAI_MONTHS: [&[&str]; 12] = [
    &["มกราคม", "ม.ค."],
    &["กุมภาพันธ์", "ก.พ."],
    &["มีนาคม", "มี.ค."],
    &["เมษายน", "เม.ย."],
    &["พฤษภาคม", "พ.ค."],
    &["มิถุนายน", "มิ.ย."],
    &["กรกฎาคม", "ก.ค."],
    &["สิงหาคม", "ส.ค."],
    &["กันยายน", "ก.ย."],
    &["ตุลาคม", "ต.ค."],
    &["พฤศจิกายน", "พ.ย."],
    &["ธันวาคม", "ธ.ค."],
];

/// A regex alternation of every name in `table` (longest first, so that "ربيع الأول" is not cut
/// short), with inner spaces matching any run of whitespace and dots optional.
fn alternation(table: &[&[&str]; 12]) -> String {
    let mut names: Vec<&str> = table.iter().flat_map(|n| n.iter().copied()).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names
        .iter()
        .map(|n| regex::escape(n).replace(' ', r"\s+").replace(r"\.", r"\.?"))
        .collect::<Vec<_>>()
        .join("|")
}

/// 1–12 for a month name of `table` (whitespace collapsed, dots optional).
fn month_in(table: &[&[&str]; 12], word: &str) -> Option<u32> {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('.', "")
    };
    let w = norm(word);
    table
        .iter()
        .position(|names| names.iter().any(|n| norm(n) == w))
        .map(|i| i as u32 + 1)
}

static OTHER_DATE: LazyLock<Regex> = LazyLock::new(|| {
    let solar = alternation(&SOLAR_MONTHS);
    let hijri = alternation(&HIJRI_MONTHS);
    let thai = alternation(&THAI_MONTHS);
    let cn = "〇零一二三四五六七八九";
    Regex::new(&format!(
        r"(?x)
        (?P<sh>(?:^|[^\p{{L}}\d])(?P<shd>\d{{1,2}})\s+(?P<shm>{solar})\s+(?P<shy>1[34]\d{{2}})(?:\s*(?:ه\.?\s*ش|هجری\s+شمسی))?(?:$|[^\p{{L}}\d]))
      | (?P<hi>(?:^|[^\p{{L}}\d])(?P<hid>\d{{1,2}})\s+(?:من\s+)?(?P<him>{hijri})\s+(?P<hiy>1[34]\d{{2}})(?:$|[^\p{{L}}\d]))
      | (?P<hn>(?:^|[^\p{{L}}\d/])(?P<hny>1[34]\d{{2}})[/-](?P<hnm>\d{{1,2}})[/-](?P<hnd>\d{{1,2}})\s*(?P<hnmark>هـ|ه‍|ه\b)?)
      | (?P<th>(?:^|\D)(?P<thd>\d{{1,2}})\s*(?P<thm>{thai})\s*(?:พ\.?ศ\.?\s*|ค\.?ศ\.?\s*)?(?P<thy>\d{{4}}|\d{{2}})(?:$|[^\d]))
      | (?P<era>(?P<eran>令和|平成|昭和|民國|民国)\s*(?P<eray>元|\d{{1,3}})\s*年\s*(?P<eram>\d{{1,2}})\s*月\s*(?P<erad>\d{{1,2}})\s*日)
      | (?P<cn>(?P<cny>[{cn}]{{4}})\s*年\s*(?P<cnm>[一二三四五六七八九十]{{1,3}})\s*月\s*(?P<cnd>[一二三四五六七八九十]{{1,3}})\s*[日号])"
    ))
    .expect("valid other-calendar regex")
});

/// Every complete date in another calendar or numeral system in `folded` (digits already ASCII),
/// with the byte offset where it starts. `persian_digits` tells, for a byte offset, whether
/// the original text had a Persian (Extended Arabic-Indic) digit there.
pub(super) fn find(folded: &str, persian_digit: &dyn Fn(usize) -> bool) -> Vec<(usize, NaiveDate)> {
    OTHER_DATE
        .captures_iter(folded)
        .filter_map(|c| {
            // Where the date starts (a boundary character before it is not the date).
            let at = ["shd", "hid", "hny", "thd"]
                .iter()
                .find_map(|g| c.name(g))
                .or_else(|| c.get(0))?
                .start();
            date_of(&c, persian_digit).map(|d| (at, d))
        })
        .collect()
}

fn date_of(c: &regex::Captures<'_>, persian_digit: &dyn Fn(usize) -> bool) -> Option<NaiveDate> {
    let get = |n: &str| c.name(n).map(|m| m.as_str());
    let num = |n: &str| get(n).and_then(|v| v.parse::<i32>().ok());
    if c.name("sh").is_some() {
        let m = month_in(&SOLAR_MONTHS, get("shm")?)?;
        return solar_hijri(num("shy")?, m, num("shd")?);
    }
    if c.name("hi").is_some() {
        let m = month_in(&HIJRI_MONTHS, get("him")?)?;
        return hijri(num("hiy")?, m, num("hid")?);
    }
    if c.name("hn").is_some() {
        let (y, m, d) = (num("hny")?, num("hnm")?, num("hnd")?);
        let m = u32::try_from(m).ok()?;
        if c.name("hnmark").is_some() {
            return hijri(y, m, d);
        }
        // Unmarked: Solar Hijri only when written in Persian digits.
        let start = c.name("hny")?.start();
        return persian_digit(start).then(|| solar_hijri(y, m, d)).flatten();
    }
    if c.name("th").is_some() {
        let m = month_in(&THAI_MONTHS, get("thm")?)?;
        let y = match get("thy")? {
            two if two.len() == 2 => 2500 + two.parse::<i32>().ok()? - 543,
            four => {
                let y = four.parse::<i32>().ok()?;
                match y {
                    2400..=2699 => y - 543,
                    1900..=2199 => y,
                    _ => return None,
                }
            }
        };
        return NaiveDate::from_ymd_opt(y, m, u32::try_from(num("thd")?).ok()?);
    }
    if c.name("era").is_some() {
        let n = match get("eray")? {
            "元" => 1,
            v => v.parse::<i32>().ok()?,
        };
        let base = match get("eran")? {
            "令和" => 2018,
            "平成" => 1988,
            "昭和" => 1925,
            _ => 1911,
        };
        return NaiveDate::from_ymd_opt(base + n, num("eram")? as u32, num("erad")? as u32);
    }
    if c.name("cn").is_some() {
        let y = get("cny")?
            .chars()
            .map(chinese_digit)
            .try_fold(0i32, |acc, d| Some(acc * 10 + d? as i32))?;
        let m = chinese_number(get("cnm")?)?;
        let d = chinese_number(get("cnd")?)?;
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    None
}

/// A Chinese digit's value (`〇` and `零` are zero).
fn chinese_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .or((c == '零').then_some(0))
        .map(|i| i as u32)
}

/// A number from 1 to 39 in Chinese numerals (`六`, `十`, `十二`, `二十`, `二十四`, `三十一`).
fn chinese_number(s: &str) -> Option<u32> {
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [d] if *d != '十' => chinese_digit(*d),
        ['十'] => Some(10),
        ['十', u] => Some(10 + chinese_digit(*u)?),
        [t, '十'] => Some(chinese_digit(*t)? * 10),
        [t, '十', u] => Some(chinese_digit(*t)? * 10 + chinese_digit(*u)?),
        _ => None,
    }
    .filter(|n| *n > 0)
}

fn to_gregorian<A: AsCalendar>(d: Date<A>) -> Option<NaiveDate> {
    let iso = d.to_calendar(Iso);
    NaiveDate::from_ymd_opt(
        iso.year().extended_year(),
        u32::from(iso.month().ordinal),
        u32::from(iso.day_of_month().0),
    )
}

/// The Gregorian day of a Solar Hijri date.
fn solar_hijri(y: i32, m: u32, d: i32) -> Option<NaiveDate> {
    let date = Date::try_new_persian(y, u8::try_from(m).ok()?, u8::try_from(d).ok()?).ok()?;
    to_gregorian(date)
}

/// The Gregorian day of a Hijri (Umm al-Qura) date.
fn hijri(y: i32, m: u32, d: i32) -> Option<NaiveDate> {
    let date = Date::try_new_hijri_with_calendar(
        y,
        u8::try_from(m).ok()?,
        u8::try_from(d).ok()?,
        Hijri::new_umm_al_qura(),
    )
    .ok()?;
    to_gregorian(date)
}

#[cfg(test)]
mod tests {
    use crate::dates::find_text_date;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn solar_hijri_dates() {
        let cases = [
            // BBC Persian / ISNA style datelines.
            ("۲۵ آبان ۱۴۰۲", day(2023, 11, 16)),
            (
                "تاریخ انتشار: شنبه ۱ فروردین ۱۴۰۳ - ۱۰:۳۰",
                day(2024, 3, 20),
            ),
            ("۳۰ اسفند ۱۳۹۹", day(2021, 3, 20)),
            ("۱۰ دی ۱۳۹۸ ه.ش", day(2019, 12, 31)),
            ("۱۴۰۲/۰۸/۲۵ - ۱۲:۳۰", day(2023, 11, 16)),
            ("3 تیر 1398", day(2019, 6, 24)),
        ];
        for (s, want) in cases {
            assert_eq!(find_text_date(s), want, "{s}");
        }
        // Year-first in ASCII digits: Solar or lunar Hijri? Not taken.
        assert_eq!(find_text_date("1402/08/25"), None);
    }

    #[test]
    fn hijri_dates() {
        let cases = [
            ("الإثنين 21 شوال 1440 هـ", day(2019, 6, 24)),
            ("١ رمضان ١٤٤٥ هـ", day(2024, 3, 11)),
            ("١٠ ذو الحجة ١٤٤٤", day(2023, 6, 28)),
            ("1445/09/01 هـ", day(2024, 3, 11)),
        ];
        for (s, want) in cases {
            assert_eq!(find_text_date(s), want, "{s}");
        }
        // Both calendars: the first, and they agree.
        assert_eq!(
            find_text_date("الاثنين 21 شوال 1440 هـ الموافق 24 يونيو 2019 م"),
            day(2019, 6, 24)
        );
    }

    #[test]
    fn thai_dates() {
        let cases = [
            ("24 มิถุนายน 2562", day(2019, 6, 24)),
            ("วันที่ ๒๔ มิถุนายน ๒๕๖๒", day(2019, 6, 24)),
            ("24 มิ.ย. 62 10:30 น.", day(2019, 6, 24)),
            ("1 ม.ค. 2567", day(2024, 1, 1)),
            ("24 มิถุนายน 2019", day(2019, 6, 24)),
            ("24 มิถุนายน พ.ศ. 2562", day(2019, 6, 24)),
        ];
        for (s, want) in cases {
            assert_eq!(find_text_date(s), want, "{s}");
        }
    }

    #[test]
    fn japanese_eras_and_chinese_numerals() {
        let cases = [
            ("令和元年6月24日", day(2019, 6, 24)),
            ("平成31年4月30日（火）", day(2019, 4, 30)),
            ("令和5年１２月１日", day(2023, 12, 1)),
            ("民國108年6月24日", day(2019, 6, 24)),
            ("二〇一九年六月二十四日", day(2019, 6, 24)),
            ("二零二三年十二月三十一日", day(2023, 12, 31)),
            ("二〇二〇年十月一日", day(2020, 10, 1)),
        ];
        for (s, want) in cases {
            assert_eq!(find_text_date(s), want, "{s}");
        }
        assert_eq!(find_text_date("二〇一九年十三月一日"), None);
    }
}
