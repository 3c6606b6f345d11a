//! Masking of private contact data (phone numbers and street addresses)
//! before it reaches any template, so that no template can print it whole.

/// Characters that replace the hidden part of a value. Always four, so the
/// mask does not reveal how long the hidden part was.
const MASK: &str = "****";

/// Masks a phone number, keeping what identifies its kind but not the line.
///
/// A mobile number (11 digits starting with 1) keeps its first 3 and last 4
/// digits: `13812345678` becomes `138****5678`. A landline keeps its area code
/// and last 4 digits: `0371-60000000` becomes `0371-****0000`, and
/// `037160000000` becomes `0371****0000`. Anything else becomes `****`.
pub fn mask_phone(phone: &str) -> String {
    let phone = phone.trim();
    if is_mobile(phone) {
        return format!("{}{MASK}{}", &phone[..3], &phone[phone.len() - 4..]);
    }
    match split_landline(phone) {
        Some((area, separator, local)) => {
            format!("{area}{separator}{MASK}{}", &local[local.len() - 4..])
        }
        None => MASK.to_owned(),
    }
}

/// Masks a street address, keeping only its leading city and district.
///
/// The kept part runs up to and including the first 区 or 县 among the first
/// 12 characters, else it is the first 3 characters: `郑州市金水区某路1号`
/// becomes `郑州市金水区****`.
pub fn mask_address(address: &str) -> String {
    let address = address.trim();
    let district_end = address
        .chars()
        .take(12)
        .position(|character| character == '区' || character == '县')
        .map(|index| index + 1);
    let prefix: String = address.chars().take(district_end.unwrap_or(3)).collect();
    format!("{prefix}{MASK}")
}

fn is_mobile(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit())
}

/// Splits a landline into area code, separator (`-` or empty) and local
/// number. Without a hyphen, 010 and 02x are 3-digit area codes and every
/// other area code has 4 digits, as in the national numbering plan.
fn split_landline(phone: &str) -> Option<(&str, &str, &str)> {
    let (area, separator, local) = match phone.split_once('-') {
        Some((area, local)) => (area, "-", local),
        None => {
            let area_length = if phone.starts_with("010") || phone.starts_with("02") {
                3
            } else {
                4
            };
            // `get` returns None instead of panicking when the index is not
            // a character boundary, as in `02中…`.
            (phone.get(..area_length)?, "", phone.get(area_length..)?)
        }
    };

    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let valid = area.starts_with('0')
        && (3..=4).contains(&area.len())
        && all_digits(area)
        && all_digits(local)
        && (7..=8).contains(&local.len());
    valid.then_some((area, separator, local))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_keeps_prefix_and_last_four() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
    }

    #[test]
    fn landline_keeps_area_code_and_last_four() {
        assert_eq!(mask_phone("0371-60000000"), "0371-****0000");
        assert_eq!(mask_phone("010-6123456"), "010-****3456");
        assert_eq!(mask_phone("037160001234"), "0371****1234");
        assert_eq!(mask_phone("02112345678"), "021****5678");
    }

    #[test]
    fn unknown_phone_is_hidden_whole() {
        let cases = [
            "",
            "12345",
            "abc-12345678",
            "0371-12",
            "+8613812345678",
            "02中文",
            "0371中文123",
        ];
        for phone in cases {
            assert_eq!(mask_phone(phone), "****", "{phone:?}");
        }
    }

    #[test]
    fn address_keeps_district() {
        assert_eq!(mask_address("郑州市金水区某路1号"), "郑州市金水区****");
        assert_eq!(
            mask_address("新乡市获嘉县城关镇某街2号"),
            "新乡市获嘉县****"
        );
        assert_eq!(
            mask_address("河南省郑州市金水区某路1号"),
            "河南省郑州市金水区****"
        );
    }

    #[test]
    fn address_without_early_district_keeps_three_characters() {
        assert_eq!(
            mask_address("郑州市高新技术产业集聚开发区某路1号"),
            "郑州市****"
        );
        assert_eq!(mask_address("开封市某路3号"), "开封市****");
        assert_eq!(mask_address("郑州"), "郑州****");
    }

    #[test]
    fn address_district_at_twelfth_character_counts() {
        // 区 is the 12th character here, so it is still within the kept part.
        assert_eq!(
            mask_address("一二三四五六七八九十一区路"),
            "一二三四五六七八九十一区****"
        );
        // 区 as the 13th character is too far in.
        assert_eq!(mask_address("一二三四五六七八九十一二区路"), "一二三****");
    }
}
