//! The requirements annex as an XLSX workbook with the supplier's response form: a Summary
//! sheet, one sheet per jurisdiction with the supplier's rows whose first legal basis lies there
//! (each with response columns to fill in: a drop-down answer, explanation and evidence), and a
//! sheet of the buyer's duties. The same requirements give the same bytes: the document's
//! creation time is the go-live date, never the clock.

use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, ProtectionOptions,
    Workbook, Worksheet, XlsxError,
};

use super::Requirements;
use super::table::{COLUMNS, KEY_COLUMNS, Party, RESPONSE_COLUMNS, RESPONSES, Words, all_rows, cells, keys, reason};

/// Column widths (in characters) of [`COLUMNS`].
const WIDTHS: &[f64] = &[8.0, 9.0, 50.0, 24.0, 32.0, 24.0, 12.0, 32.0, 16.0, 18.0, 20.0, 24.0];
/// Column widths of [`RESPONSE_COLUMNS`].
const RESPONSE_WIDTHS: &[f64] = &[16.0, 40.0, 22.0, 14.0, 14.0];

struct Styles {
    header: Format,
    cell: Format,
    response: Format,
    response_date: Format,
    title: Format,
    key: Format,
}

fn styles() -> Styles {
    let cell = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let response =
        cell.clone().set_unlocked().set_background_color(Color::RGB(0x00FF_F2CC)).set_border(FormatBorder::Thin);
    Styles {
        header: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_background_color(Color::RGB(0x00D9_E1F2))
            .set_border(FormatBorder::Thin),
        response_date: response.clone().set_num_format("@"),
        response,
        cell,
        title: Format::new().set_bold().set_font_size(14),
        key: Format::new().set_bold().set_align(FormatAlign::Top),
    }
}

fn col(i: usize) -> Result<u16, XlsxError> {
    u16::try_from(i).map_err(|_| XlsxError::ParameterError("too many columns".into()))
}

fn row_num(i: usize) -> Result<u32, XlsxError> {
    u32::try_from(i).map_err(|_| XlsxError::ParameterError("too many rows".into()))
}

/// Writes a sheet of rows: header, rows, widths, frozen header, filter; with the response
/// columns when `respond`.
fn rows_sheet(
    sheet: &mut Worksheet,
    rows: &[&super::Row],
    party: Party,
    respond: bool,
    words: &Words,
    s: &Styles,
) -> Result<(), XlsxError> {
    let mut header: Vec<String> = COLUMNS.iter().map(|k| words.get(k)).collect();
    let mut widths: Vec<f64> = WIDTHS.to_vec();
    if respond {
        header.extend(RESPONSE_COLUMNS.iter().map(|k| words.get(k)));
        widths.extend_from_slice(RESPONSE_WIDTHS);
    }
    let first_key = header.len();
    header.extend(KEY_COLUMNS.iter().map(|k| words.get(k)));
    for (i, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, col(i)?, h, &s.header)?;
    }
    for (i, w) in widths.iter().enumerate() {
        sheet.set_column_width(col(i)?, *w)?;
    }
    for i in first_key..header.len() {
        sheet.set_column_width(col(i)?, 30.0)?;
        sheet.set_column_hidden(col(i)?)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let at = row_num(r + 1)?;
        for (i, c) in cells(row, party, words).iter().enumerate() {
            sheet.write_string_with_format(at, col(i)?, c, &s.cell)?;
        }
        if respond {
            for i in 0..RESPONSE_COLUMNS.len() {
                let format = if i >= 3 { &s.response_date } else { &s.response };
                sheet.write_blank(at, col(COLUMNS.len() + i)?, format)?;
            }
        }
        for (i, c) in keys(row).iter().enumerate() {
            sheet.write_string_with_format(at, col(first_key + i)?, c, &s.cell)?;
        }
    }
    let last = row_num(rows.len())?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last, col(header.len() - 1)?)?;
    if respond && !rows.is_empty() {
        let answers: Vec<String> = RESPONSES.iter().map(|a| words.get(&format!("req_response_{a}"))).collect();
        let validation = DataValidation::new()
            .allow_list_strings(&answers)?
            .set_input_title(words.get("req_response"))?
            .set_input_message(words.get("req_response_help"))?;
        let at = col(COLUMNS.len())?;
        sheet.add_data_validation(1, at, last, at, &validation)?;
    }
    if respond {
        sheet.protect_with_options(&ProtectionOptions {
            use_autofilter: true,
            sort: true,
            format_columns: true,
            format_rows: true,
            ..ProtectionOptions::default()
        });
    }
    Ok(())
}

fn summary(sheet: &mut Worksheet, r: &Requirements, words: &Words, s: &Styles) -> Result<(), XlsxError> {
    sheet.set_column_width(0, 28.0)?;
    sheet.set_column_width(1, 60.0)?;
    sheet.set_column_width(2, 24.0)?;
    sheet.set_column_width(3, 20.0)?;
    sheet.set_column_width(4, 50.0)?;
    sheet.write_string_with_format(0, 0, format!("{}: {}", words.get("req_title"), r.procurement.title), &s.title)?;
    sheet.write_string_with_format(1, 0, &r.notice, &s.cell)?;
    let p = &r.procurement;
    let mut lines: Vec<(String, String)> = vec![
        (words.get("req_procurement_title"), p.title.clone()),
        (words.get("req_buyer"), p.buyer.clone()),
        (words.get("req_buyer_type"), words.get(&format!("req_buyer_{}", p.buyer_type))),
        (words.get("req_purpose"), p.purpose.clone()),
    ];
    if let Some(a) = &p.affected_people {
        lines.push((words.get("req_affected"), a.clone()));
    }
    lines.extend([
        (words.get("req_jurisdictions"), p.jurisdictions.join(", ")),
        (words.get("req_go_live"), p.go_live.clone()),
        (words.get("req_contract_end"), p.contract_end.clone()),
        (words.get("req_languages"), p.languages.join(", ")),
        (words.get("req_safety_level"), words.get(&format!("req_safety_{}", p.safety_level))),
        (words.get("policies_hash"), r.provenance.policies_sha256.clone()),
        (words.get("facts_hash"), r.provenance.facts_sha256.clone()),
        (words.get("engine"), r.provenance.engine.clone()),
    ]);
    let mut at = 3;
    for (k, v) in &lines {
        sheet.write_string_with_format(at, 0, k, &s.key)?;
        sheet.write_string_with_format(at, 1, v, &s.cell)?;
        at += 1;
    }
    at += 1;
    sheet.write_string_with_format(at, 0, words.get("req_classification"), &s.title)?;
    at += 1;
    let head = [
        words.get("req_jurisdictions"),
        words.get("label"),
        words.get("citation"),
        words.get("value"),
        words.get("req_basis_facts"),
    ];
    for (i, h) in head.iter().enumerate() {
        sheet.write_string_with_format(at, col(i)?, h, &s.header)?;
    }
    at += 1;
    for c in &r.classification {
        for l in &c.labels {
            let value = match l.value {
                None => words.get("req_undetermined"),
                Some(true) => words.get("yes"),
                Some(false) => words.get("no"),
            };
            let basis = if l.value.is_none() {
                format!("{}: {}", words.get("req_review_needed"), l.missing.join(", "))
            } else {
                l.reasons.iter().map(|w| reason(w, words)).collect::<Vec<_>>().join(", ")
            };
            let line = [
                c.jurisdiction.clone(),
                l.title.clone().unwrap_or_else(|| l.label.clone()),
                l.citations.join(", "),
                value,
                basis,
            ];
            for (i, v) in line.iter().enumerate() {
                sheet.write_string_with_format(at, col(i)?, v, &s.cell)?;
            }
            at += 1;
        }
    }
    at += 1;
    sheet.write_string_with_format(at, 0, words.get("req_count"), &s.title)?;
    at += 1;
    for j in &p.jurisdictions {
        let n = r.requirements.iter().filter(|row| first_jurisdiction(row) == Some(j.as_str())).count();
        sheet.write_string_with_format(at, 0, format!("{} — {j}", words.get("req_supplier")), &s.key)?;
        sheet.write_number(at, 1, u32::try_from(n).unwrap_or(u32::MAX))?;
        at += 1;
    }
    sheet.write_string_with_format(at, 0, words.get("req_sheet_buyer"), &s.key)?;
    sheet.write_number(at, 1, u32::try_from(r.buyer_duties.len()).unwrap_or(u32::MAX))?;
    Ok(())
}

fn first_jurisdiction(row: &super::Row) -> Option<&str> {
    row.legal_basis.first().map(|b| b.jurisdiction.as_str())
}

/// The creation time stamped into the document: midnight of the go-live date (2000-01-01 when
/// the date cannot be read).
fn creation(go_live: &str) -> Result<ExcelDateTime, XlsxError> {
    let date = crate::facts::parse_date(go_live).unwrap_or(jiff::civil::date(2000, 1, 1));
    let year = u16::try_from(date.year()).map_err(|_| XlsxError::ParameterError("year".into()))?;
    let month = u8::try_from(date.month()).map_err(|_| XlsxError::ParameterError("month".into()))?;
    let day = u8::try_from(date.day()).map_err(|_| XlsxError::ParameterError("day".into()))?;
    ExcelDateTime::from_ymd(year, month, day)
}

/// The annex as XLSX bytes.
pub fn xlsx(r: &Requirements, words: &Words) -> Result<Vec<u8>, String> {
    build(r, words).map_err(|e| format!("cannot write the XLSX annex: {e}"))
}

fn build(r: &Requirements, words: &Words) -> Result<Vec<u8>, XlsxError> {
    let s = styles();
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("{}: {}", words.get("req_title"), r.procurement.title))
            .set_author("norma")
            .set_comment(r.notice.clone())
            .set_creation_datetime(&creation(&r.procurement.go_live)?),
    );
    summary(book.add_worksheet().set_name(words.get("req_summary"))?, r, words, &s)?;
    let supplier: Vec<(&super::Row, Party)> = all_rows(r).filter(|(_, p)| *p == Party::Supplier).collect();
    for j in &r.procurement.jurisdictions {
        let rows: Vec<&super::Row> = supplier
            .iter()
            .filter(|(row, _)| first_jurisdiction(row) == Some(j.as_str()))
            .map(|(row, _)| *row)
            .collect();
        rows_sheet(book.add_worksheet().set_name(j)?, &rows, Party::Supplier, true, words, &s)?;
    }
    let buyer: Vec<&super::Row> = r.buyer_duties.iter().collect();
    rows_sheet(book.add_worksheet().set_name(words.get("req_sheet_buyer"))?, &buyer, Party::Buyer, false, words, &s)?;
    book.save_to_buffer()
}
