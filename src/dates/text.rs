//! Complete dates written out in page text, in many languages and scripts: "18 November 2017",
//! "November 18, 2017", "18. Juli 2014", "18.07.2014", "2017-11-18", "18 ноября 2017 г.",
//! "١٨ نوفمبر ٢٠١٧", "2017年11月18日", "2017년 11월 18일", "2017. november 18.".
//!
//! Digits of other scripts (Arabic-Indic, Persian, Devanagari, Bengali, full-width) are folded to
//! ASCII first. Day-month-year is assumed for dotted numerals (the European notation); slashed
//! all-numeric dates are taken only when their numbers leave one reading (`26/12/2019`,
//! `12/26/2019`, `08/08/2017`), and when day and month could be swapped (`02/10/2020`) only in the order the caller knows
//! from the page's locale ([`SlashOrder`]). Partial dates are never taken.
//! Dates in other calendars (Solar Hijri, Hijri, Thai Buddhist era, Japanese eras) and in Chinese
//! numerals are found by `calendars` and converted to the Gregorian day. Not checked for
//! plausibility.

use super::max_year;
use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;

/// Month names and abbreviations, lowercase, without a trailing dot, by language: English,
/// German, French, Spanish, Italian, Portuguese, Dutch, Scandinavian, Finnish, Polish, Czech,
/// Romanian, Catalan, Turkish, Indonesian, Hungarian, Greek, Russian, Ukrainian, Bulgarian,
/// Serbian (Cyrillic), Arabic (Egyptian/Gulf, Levantine, Maghreb and Moroccan names), Persian
/// (Gregorian names), Hebrew (with and without the prefix `ב`) and Hindi. A spelling shared by two languages must mean the same month in both (Croatian,
/// whose `listopad` is October where Czech's is November, is therefore left out).
pub const MONTHS: [&[&str]; 12] = [
    &[
        "january",
        "jan",
        "januar",
        "jänner",
        "janvier",
        "janv",
        "enero",
        "ene",
        "gennaio",
        "gen",
        "janeiro",
        "januari",
        "tammikuuta",
        "tammikuu",
        "stycznia",
        "styczeń",
        "ledna",
        "leden",
        "ianuarie",
        "gener",
        "ocak",
        "január",
        "ιανουαρίου",
        "ιανουάριος",
        "января",
        "январь",
        "янв",
        "січня",
        "січень",
        "януари",
        "јануар",
        "јануара",
        "يناير",
        "كانون الثاني",
        "ژانویه",
        "ژانویهٔ",
        "جانفي",
        "ינואר",
        "בינואר",
        "जनवरी",
    ],
    &[
        "february",
        "feb",
        "februar",
        "février",
        "fevrier",
        "févr",
        "febrero",
        "febbraio",
        "fevereiro",
        "fev",
        "februari",
        "helmikuuta",
        "helmikuu",
        "lutego",
        "luty",
        "února",
        "únor",
        "februarie",
        "febrer",
        "şubat",
        "subat",
        "február",
        "φεβρουαρίου",
        "φεβρουάριος",
        "февраля",
        "февраль",
        "фев",
        "лютого",
        "лютий",
        "февруари",
        "фебруар",
        "фебруара",
        "فبراير",
        "شباط",
        "فوریه",
        "فوریهٔ",
        "فيفري",
        "פברואר",
        "בפברואר",
        "फ़रवरी",
        "फरवरी",
    ],
    &[
        "march",
        "mar",
        "märz",
        "mär",
        "mars",
        "marzo",
        "março",
        "maart",
        "marts",
        "maaliskuuta",
        "maaliskuu",
        "marca",
        "marzec",
        "března",
        "březen",
        "martie",
        "març",
        "mart",
        "maret",
        "március",
        "μαρτίου",
        "μάρτιος",
        "марта",
        "март",
        "березня",
        "березень",
        "мар",
        "مارس",
        "آذار",
        "מרץ",
        "במרץ",
        "מרס",
        "במרס",
        "मार्च",
        "مارس",
    ],
    &[
        "april",
        "apr",
        "avril",
        "avr",
        "abril",
        "abr",
        "aprile",
        "huhtikuuta",
        "huhtikuu",
        "kwietnia",
        "kwiecień",
        "dubna",
        "duben",
        "aprilie",
        "nisan",
        "április",
        "απριλίου",
        "απρίλιος",
        "апреля",
        "апрель",
        "апр",
        "квітня",
        "квітень",
        "април",
        "априла",
        "أبريل",
        "ابريل",
        "إبريل",
        "نيسان",
        "آوریل",
        "أفريل",
        "افريل",
        "אפריל",
        "באפריל",
        "अप्रैल",
    ],
    &[
        "may",
        "mai",
        "mayo",
        "maggio",
        "mag",
        "maio",
        "mei",
        "maj",
        "toukokuuta",
        "toukokuu",
        "maja",
        "května",
        "květen",
        "maig",
        "mayıs",
        "mayis",
        "május",
        "μαΐου",
        "μαΐου",
        "μάιος",
        "мая",
        "май",
        "травня",
        "травень",
        "мај",
        "маја",
        "مايو",
        "أيار",
        "ايار",
        "مه",
        "مهٔ",
        "ماي",
        "מאי",
        "במאי",
        "मई",
    ],
    &[
        "june",
        "jun",
        "juni",
        "juin",
        "junio",
        "giugno",
        "giu",
        "junho",
        "kesäkuuta",
        "kesäkuu",
        "czerwca",
        "czerwiec",
        "června",
        "červen",
        "iunie",
        "juny",
        "haziran",
        "június",
        "ιουνίου",
        "ιούνιος",
        "июня",
        "июнь",
        "июн",
        "червня",
        "червень",
        "юни",
        "јун",
        "јуна",
        "يونيو",
        "يونيه",
        "حزيران",
        "ژوئن",
        "جوان",
        "יוני",
        "ביוני",
        "जून",
    ],
    &[
        "july",
        "jul",
        "juli",
        "juillet",
        "juil",
        "julio",
        "luglio",
        "lug",
        "julho",
        "heinäkuuta",
        "heinäkuu",
        "lipca",
        "lipiec",
        "července",
        "červenec",
        "iulie",
        "juliol",
        "temmuz",
        "július",
        "ιουλίου",
        "ιούλιος",
        "июля",
        "июль",
        "июл",
        "липня",
        "липень",
        "юли",
        "јул",
        "јула",
        "يوليو",
        "يوليه",
        "تموز",
        "ژوئیه",
        "ژوئیهٔ",
        "جويلية",
        "جويليه",
        "يوليوز",
        "יולי",
        "ביולי",
        "जुलाई",
    ],
    &[
        "august",
        "aug",
        "août",
        "aout",
        "agosto",
        "ago",
        "augustus",
        "augusti",
        "elokuuta",
        "elokuu",
        "sierpnia",
        "sierpień",
        "srpna",
        "srpen",
        "agost",
        "ağustos",
        "agustos",
        "agustus",
        "augusztus",
        "αυγούστου",
        "αύγουστος",
        "августа",
        "август",
        "авг",
        "серпня",
        "серпень",
        "avgust",
        "أغسطس",
        "اغسطس",
        "آب",
        "اوت",
        "أوت",
        "غشت",
        "אוגוסט",
        "באוגוסט",
        "अगस्त",
    ],
    &[
        "september",
        "sep",
        "sept",
        "septembre",
        "septiembre",
        "settembre",
        "set",
        "setembro",
        "syyskuuta",
        "syyskuu",
        "września",
        "wrzesień",
        "září",
        "septembrie",
        "setembre",
        "eylül",
        "eylul",
        "szeptember",
        "σεπτεμβρίου",
        "σεπτέμβριος",
        "сентября",
        "сентябрь",
        "сент",
        "сен",
        "вересня",
        "вересень",
        "септември",
        "септембар",
        "септембра",
        "سبتمبر",
        "أيلول",
        "ايلول",
        "سپتامبر",
        "شتنبر",
        "ספטמבר",
        "בספטמבר",
        "सितंबर",
        "सितम्बर",
    ],
    &[
        "october",
        "oct",
        "oktober",
        "okt",
        "octobre",
        "octubre",
        "ottobre",
        "ott",
        "outubro",
        "out",
        "lokakuuta",
        "lokakuu",
        "października",
        "październik",
        "října",
        "říjen",
        "octombrie",
        "ekim",
        "október",
        "οκτωβρίου",
        "οκτώβριος",
        "октября",
        "октябрь",
        "окт",
        "жовтня",
        "жовтень",
        "октомври",
        "октобар",
        "октобра",
        "أكتوبر",
        "اكتوبر",
        "تشرين الأول",
        "تشرين الاول",
        "اکتبر",
        "אוקטובר",
        "באוקטובר",
        "अक्टूबर",
        "अक्तूबर",
    ],
    &[
        "november",
        "nov",
        "novembre",
        "noviembre",
        "novembro",
        "marraskuuta",
        "marraskuu",
        "listopada",
        "listopad",
        "listopadu",
        "noiembrie",
        "kasım",
        "kasim",
        "nopember",
        "νοεμβρίου",
        "νοέμβριος",
        "ноября",
        "ноябрь",
        "нояб",
        "ноя",
        "листопада",
        "листопад",
        "ноември",
        "новембар",
        "новембра",
        "نوفمبر",
        "تشرين الثاني",
        "نوامبر",
        "نونبر",
        "נובמבר",
        "בנובמבר",
        "नवंबर",
        "नवम्बर",
    ],
    &[
        "december",
        "dec",
        "dezember",
        "dez",
        "décembre",
        "decembre",
        "déc",
        "diciembre",
        "dic",
        "dicembre",
        "dezembro",
        "december",
        "desember",
        "joulukuuta",
        "joulukuu",
        "grudnia",
        "grudzień",
        "prosince",
        "prosinec",
        "decembrie",
        "desembre",
        "aralık",
        "aralik",
        "desember",
        "δεκεμβρίου",
        "δεκέμβριος",
        "декабря",
        "декабрь",
        "дек",
        "грудня",
        "грудень",
        "декември",
        "децембар",
        "децембра",
        "ديسمبر",
        "كانون الأول",
        "كانون الاول",
        "دسامبر",
        "دجنبر",
        "דצמבר",
        "בדצמבר",
        "दिसंबर",
        "दिसम्बर",
    ],
];

/// 1–12 for a month name or abbreviation of [`MONTHS`] (any case, a trailing dot allowed,
/// inner whitespace collapsed).
pub fn month_number(word: &str) -> Option<u32> {
    let w = word
        .trim()
        .trim_end_matches('.')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    MONTHS
        .iter()
        .position(|names| names.contains(&w.as_str()))
        .map(|i| i as u32 + 1)
}

/// The ASCII digit a digit of another script stands for (Arabic-Indic, Extended Arabic-Indic
/// i.e. Persian/Urdu, Devanagari, Bengali, Thai, full-width).
fn fold_digit(c: char) -> Option<char> {
    let zero = match c {
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        '\u{0966}'..='\u{096F}' => 0x0966,
        '\u{09E6}'..='\u{09EF}' => 0x09E6,
        '\u{0E50}'..='\u{0E59}' => 0x0E50,
        '\u{FF10}'..='\u{FF19}' => 0xFF10,
        _ => return None,
    };
    char::from_digit(c as u32 - zero, 10)
}

/// `s` with digits of other scripts folded to ASCII, and for each byte of the result the byte
/// offset in `s` it came from (`None` when nothing was folded).
fn fold_digits(s: &str) -> Option<(String, Vec<usize>)> {
    if !s.chars().any(|c| fold_digit(c).is_some()) {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut origin = Vec::with_capacity(s.len());
    for (at, c) in s.char_indices() {
        let c = fold_digit(c).unwrap_or(c);
        for _ in 0..c.len_utf8() {
            origin.push(at);
        }
        out.push(c);
    }
    Some((out, origin))
}

static TEXT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    // A month word: letters (with combining marks), or a two-word Levantine Arabic name.
    let name = r"\p{L}[\p{L}\p{M}]{1,13}(?:\s+ال\p{L}{4,6})?";
    Regex::new(&format!(
        r"(?xi)
        (?P<iso>\b(?P<iy>(?:19|20)\d{{2}})[-/.](?P<im>\d{{1,2}})[-/.](?P<id>\d{{1,2}})\b)
      | (?P<cjk>(?P<cy>(?:19|20)\d{{2}})\s*[年년]\s*(?P<cm>\d{{1,2}})\s*[月월]\s*(?P<cd>\d{{1,2}})\s*[日号일])
      | (?P<hu>\b(?P<hy>(?:19|20)\d{{2}})\.\s*(?P<hm>\p{{L}}{{3,12}})\.?\s+(?P<hd>\d{{1,2}})\.)
      | (?P<dmy>\b(?P<dd>\d{{1,2}})\.\s?(?P<dm>\d{{1,2}})\.\s?(?P<dy>(?:19|20)?\d{{2}})\b)
      | (?P<slash>\b(?P<sa>\d{{1,2}})/(?P<sb>\d{{1,2}})/(?P<sy>(?:19|20)\d{{2}})\b)
      | (?P<dnamed>\b(?P<nd>\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?\s*(?:de\s+|of\s+)?(?P<nm>{name})\.?[,،]?\s*(?:de\s+)?(?P<ny>(?:19|20)\d{{2}})\b)
      | (?P<vi>\b(?P<vd>\d{{1,2}})\s+tháng\s+(?P<vm>\d{{1,2}})(?:\s*,\s*|\s+năm\s+|\s+)(?P<vy>(?:19|20)\d{{2}})\b)
      | (?P<named>\b(?P<mm>{name})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th|\.)?[,،]?\s+(?P<my>(?:19|20)\d{{2}})\b)"
    ))
    .expect("valid date regex")
});

/// How to read an all-numeric slashed date whose day and month could be swapped (`02/10/2020`):
/// the page's locale says (`en-GB` pages write the day first, `en-US` pages the month), else it
/// is not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SlashOrder {
    /// Slashed all-numeric dates are never taken.
    Never,
    /// Not known: only slashed dates with one reading are taken.
    #[default]
    Unknown,
    /// `02/10/2020` is 2 October.
    DayFirst,
    /// `02/10/2020` is 10 February.
    MonthFirst,
}

/// Finds the first complete date written out in a short piece of page text (see the module
/// documentation for the forms).
pub fn find_text_date(s: &str) -> Option<NaiveDate> {
    find_text_dates(s).next().map(|(_, d)| d)
}

/// [`find_text_date`] with a known order for slashed dates.
pub fn find_text_date_in(s: &str, order: SlashOrder) -> Option<NaiveDate> {
    find_text_dates_in(s, order).next().map(|(_, d)| d)
}

/// Every complete date written out in `s`, with its byte offset in `s`.
pub fn find_text_dates(s: &str) -> impl Iterator<Item = (usize, NaiveDate)> + '_ {
    find_text_dates_in(s, SlashOrder::Unknown)
}

/// [`find_text_dates`] with a known order for slashed dates.
pub fn find_text_dates_in(
    s: &str,
    order: SlashOrder,
) -> impl Iterator<Item = (usize, NaiveDate)> + '_ {
    let (text, origin) = match fold_digits(s) {
        Some((folded, origin)) => (std::borrow::Cow::Owned(folded), Some(origin)),
        None => (std::borrow::Cow::Borrowed(s), None),
    };
    let back = |at: usize| {
        origin
            .as_ref()
            .map_or(at, |o| o.get(at).copied().unwrap_or(0))
    };
    let mut found: Vec<(usize, NaiveDate)> = TEXT_DATE
        .captures_iter(&text)
        .filter_map(|c| date_of(&c, order).map(|d| (c.get(0).map_or(0, |m| m.start()), d)))
        .collect();
    let persian_digit = |at: usize| {
        origin.is_some() && s[back(at)..].starts_with(|c| ('\u{06F0}'..='\u{06F9}').contains(&c))
    };
    // Other calendars and numerals are never written in ASCII alone.
    if origin.is_some() || !text.is_ascii() {
        found.extend(super::calendars::find(&text, &persian_digit));
        found.sort_by_key(|(at, _)| *at);
    }
    found
        .into_iter()
        .map(|(at, d)| (back(at), d))
        .collect::<Vec<_>>()
        .into_iter()
}

/// The date one match of [`TEXT_DATE`] stands for.
fn date_of(c: &regex::Captures<'_>, order: SlashOrder) -> Option<NaiveDate> {
    let get = |n: &str| c.name(n).map(|m| m.as_str());
    let num = |n: &str| get(n).and_then(|v| v.parse::<u32>().ok());
    let year = |n: &str| get(n).and_then(|v| v.parse::<i32>().ok());
    let (y, m, d) = if c.name("iso").is_some() {
        (year("iy")?, num("im")?, num("id")?)
    } else if c.name("cjk").is_some() {
        (year("cy")?, num("cm")?, num("cd")?)
    } else if c.name("hu").is_some() {
        (year("hy")?, month_number(get("hm")?)?, num("hd")?)
    } else if c.name("dmy").is_some() {
        let y = match year("dy")? {
            y @ 0..=99 if y <= max_year() % 100 => 2000 + y,
            y @ 0..=99 => 1900 + y,
            y => y,
        };
        (y, num("dm")?, num("dd")?)
    } else if c.name("slash").is_some() {
        if order == SlashOrder::Never {
            return None;
        }
        // Day and month in an unknown order: taken only when the numbers leave one reading.
        let (a, b) = (num("sa")?, num("sb")?);
        let (m, d) = match (a > 12, b > 12, order) {
            (true, false, _) => (b, a),
            (false, true, _) => (a, b),
            _ if a == b => (a, a),
            (false, false, SlashOrder::DayFirst) => (b, a),
            (false, false, SlashOrder::MonthFirst) => (a, b),
            _ => return None,
        };
        (year("sy")?, m, d)
    } else if c.name("vi").is_some() {
        (year("vy")?, num("vm")?, num("vd")?)
    } else if c.name("dnamed").is_some() {
        (year("ny")?, month_number(get("nm")?)?, num("nd")?)
    } else {
        (year("my")?, month_number(get("mm")?)?, num("md")?)
    };
    NaiveDate::from_ymd_opt(y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn dates_written_out_in_page_text() {
        let cases = [
            ("Posted on 18 November 2017 by admin", day(2017, 11, 18)),
            ("Nov. 18, 2017", day(2017, 11, 18)),
            ("Samstag, 19. Juli 2014", day(2014, 7, 19)),
            ("19.07.2014 um 10:00", day(2014, 7, 19)),
            ("Party, 30.10.23", day(2023, 10, 30)),
            ("le 3 décembre 2016", day(2016, 12, 3)),
            ("12 de marzo de 2019", day(2019, 3, 12)),
            ("updated 2016/12/23", day(2016, 12, 23)),
        ];
        for (s, want) in cases {
            assert_eq!(find_text_date(s), want, "{s}");
        }
        assert_eq!(find_text_date("03/04/2017"), None);
        assert_eq!(find_text_date("in November 2017"), None);
    }

    #[test]
    fn slashed_dates_only_in_an_order_that_is_known() {
        // One reading: taken whatever the locale.
        assert_eq!(find_text_date("26/12/2019"), day(2019, 12, 26));
        assert_eq!(find_text_date("12/26/2019"), day(2019, 12, 26));
        assert_eq!(find_text_date("08/08/2017"), day(2017, 8, 8));
        // Two readings: only in the page's order.
        assert_eq!(find_text_date("02/10/2020"), None);
        let gb = find_text_date_in("02/10/2020", SlashOrder::DayFirst);
        assert_eq!(gb, day(2020, 10, 2));
        let us = find_text_date_in("02/10/2020", SlashOrder::MonthFirst);
        assert_eq!(us, day(2020, 2, 10));
        // A known order never overrules the numbers.
        let gb = find_text_date_in("12/26/2019", SlashOrder::DayFirst);
        assert_eq!(gb, day(2019, 12, 26));
        for s in ["26/12/2019", "02/10/2020"] {
            assert_eq!(find_text_date_in(s, SlashOrder::Never), None, "{s}");
        }
        // Not a date: a month past 12 either way, a fraction, a Persian year.
        assert_eq!(find_text_date("13/14/2019"), None);
        assert_eq!(find_text_date("1402/08/25"), None);
    }

    #[test]
    fn other_scripts_and_languages() {
        let cases = [
            ("18 ноября 2017 г.", day(2017, 11, 18)),
            ("Опубликовано 2 марта 2021, 10:00", day(2021, 3, 2)),
            ("18 листопада 2017", day(2017, 11, 18)),
            ("١٨ نوفمبر ٢٠١٧", day(2017, 11, 18)),
            ("18 تشرين الثاني 2017", day(2017, 11, 18)),
            ("۱۸ نوامبر ۲۰۱۷", day(2017, 11, 18)),
            ("2017年11月18日 10:00", day(2017, 11, 18)),
            ("２０１７年１１月１８日", day(2017, 11, 18)),
            ("2017년 11월 18일", day(2017, 11, 18)),
            ("2017. november 18.", day(2017, 11, 18)),
            ("18 Kasım 2017", day(2017, 11, 18)),
            ("18 listopada 2017", day(2017, 11, 18)),
            ("18. marraskuuta 2017", day(2017, 11, 18)),
            ("18 Νοεμβρίου 2017", day(2017, 11, 18)),
            ("18 Agustus 2017", day(2017, 8, 18)),
            ("18 de novembro de 2017", day(2017, 11, 18)),
            ("24 ביוני 2019", day(2019, 6, 24)),
            ("24 जून 2019", day(2019, 6, 24)),
            ("24 جوان 2019", day(2019, 6, 24)),
            ("24 يوليوز 2019", day(2019, 7, 24)),
            ("ngày 24 tháng 6 năm 2019", day(2019, 6, 24)),
            ("24 tháng 06, 2019", day(2019, 6, 24)),
            ("24 сент. 2019 г.", day(2019, 9, 24)),
        ];
        for (s, want) in cases {
            assert_eq!(find_text_date(s), want, "{s}");
        }
    }

    #[test]
    fn offsets_are_in_the_original_text() {
        let s = "نشر في ١٨ نوفمبر ٢٠١٧";
        let (at, d) = find_text_dates(s).next().unwrap();
        assert_eq!(Some(d), day(2017, 11, 18));
        assert!(s[at..].starts_with('١'));
    }

    #[test]
    fn every_month_name_is_found_in_one_month_only() {
        for (i, names) in MONTHS.iter().enumerate() {
            for n in *names {
                assert_eq!(month_number(n), Some(i as u32 + 1), "{n}");
            }
        }
    }
}
