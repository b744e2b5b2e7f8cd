//! The numbering plan a stored phone number is held to: which country calling codes are assigned,
//! and how many digits a national number under each may have. It is libphonenumber's metadata (the
//! `phonenumber` crate) boiled down to a table, because loading that metadata costs about 70 ms per
//! process and checking a number with it about 60 µs: a fixture of two million phones could not
//! afford either. A test checks the table against the crate, so it changes when the crate does.
//! Numbers typed by a person are checked by the crate itself (see `phone::validate_number`).

/// Country calling code → bit n set when a national number of n digits is possible.
const PLAN: &[(u16, u32)] = &[
    (1, 0x480),
    (7, 0x4400),
    (20, 0x700),
    (27, 0x7e0),
    (30, 0x1c00),
    (31, 0xfe0),
    (32, 0x300),
    (33, 0x200),
    (34, 0x200),
    (36, 0x300),
    (39, 0x1fc0),
    (40, 0x240),
    (41, 0x1200),
    (43, 0x3ff0),
    (44, 0x680),
    (45, 0x100),
    (46, 0x17c0),
    (47, 0x120),
    (48, 0x7c0),
    (49, 0xfff0),
    (51, 0x300),
    (52, 0x400),
    (53, 0x5c0),
    (54, 0xc00),
    (55, 0xf00),
    (56, 0xe00),
    (57, 0xd00),
    (58, 0x400),
    (60, 0x700),
    (61, 0x17e0),
    (62, 0x3ff80),
    (63, 0x3f40),
    (64, 0x7e0),
    (65, 0xd00),
    (66, 0x2700),
    (81, 0x3ff00),
    (82, 0x7f60),
    (84, 0x780),
    (86, 0x1f80),
    (90, 0x3480),
    (91, 0x3f00),
    (92, 0x1f00),
    (93, 0x200),
    (94, 0x200),
    (95, 0x7c0),
    (98, 0x4f0),
    (211, 0x200),
    (212, 0x200),
    (213, 0x300),
    (216, 0x100),
    (218, 0x200),
    (220, 0x80),
    (221, 0x200),
    (222, 0x100),
    (223, 0x100),
    (224, 0x300),
    (225, 0x400),
    (226, 0x100),
    (227, 0x100),
    (228, 0x100),
    (229, 0x500),
    (230, 0x580),
    (231, 0x380),
    (232, 0x100),
    (233, 0x300),
    (234, 0x7c00),
    (235, 0x100),
    (236, 0x100),
    (237, 0x300),
    (238, 0x80),
    (239, 0x80),
    (240, 0x200),
    (241, 0x180),
    (242, 0x200),
    (243, 0x780),
    (244, 0x200),
    (245, 0x280),
    (246, 0x80),
    (247, 0x60),
    (248, 0x80),
    (249, 0x200),
    (250, 0x300),
    (251, 0x200),
    (252, 0x3c0),
    (253, 0x100),
    (254, 0x780),
    (255, 0x200),
    (256, 0x200),
    (257, 0x100),
    (258, 0x300),
    (260, 0x200),
    (261, 0x200),
    (262, 0x200),
    (263, 0x7e0),
    (264, 0x300),
    (265, 0x280),
    (266, 0x100),
    (267, 0x580),
    (268, 0x300),
    (269, 0x80),
    (290, 0x30),
    (291, 0x80),
    (297, 0x80),
    (298, 0x40),
    (299, 0x40),
    (350, 0x100),
    (351, 0x200),
    (352, 0xff0),
    (353, 0x780),
    (354, 0x280),
    (355, 0x3c0),
    (356, 0x100),
    (357, 0x100),
    (358, 0x1fe0),
    (359, 0x13c0),
    (370, 0x100),
    (371, 0x100),
    (372, 0x580),
    (373, 0x100),
    (374, 0x100),
    (375, 0xfc0),
    (376, 0x340),
    (377, 0x300),
    (378, 0x500),
    (380, 0x600),
    (381, 0x1fc0),
    (382, 0x300),
    (383, 0x1f00),
    (385, 0x380),
    (386, 0x1e0),
    (387, 0x300),
    (389, 0x100),
    (420, 0x1e00),
    (421, 0x2c0),
    (423, 0x280),
    (500, 0x20),
    (501, 0x880),
    (502, 0x900),
    (503, 0x980),
    (504, 0x900),
    (505, 0x100),
    (506, 0x500),
    (507, 0xd80),
    (508, 0x240),
    (509, 0x100),
    (590, 0x200),
    (591, 0x300),
    (592, 0x80),
    (593, 0xf00),
    (594, 0x200),
    (595, 0xfc0),
    (596, 0x200),
    (597, 0xc0),
    (598, 0x3ff0),
    (599, 0x180),
    (670, 0x180),
    (672, 0x40),
    (673, 0x80),
    (674, 0x80),
    (675, 0x180),
    (676, 0xa0),
    (677, 0xa0),
    (678, 0xa0),
    (679, 0x880),
    (680, 0x80),
    (681, 0x240),
    (682, 0x20),
    (683, 0x90),
    (685, 0x4e0),
    (686, 0x120),
    (687, 0x40),
    (688, 0xe0),
    (689, 0x340),
    (690, 0xf0),
    (691, 0x80),
    (692, 0x80),
    (850, 0x500),
    (852, 0xbe0),
    (853, 0x180),
    (855, 0x700),
    (856, 0x700),
    (880, 0x7c0),
    (886, 0xf80),
    (960, 0x480),
    (961, 0x180),
    (962, 0x300),
    (963, 0x300),
    (964, 0x700),
    (965, 0x180),
    (966, 0x600),
    (967, 0x380),
    (968, 0x380),
    (970, 0x700),
    (971, 0x1fe0),
    (972, 0x1f80),
    (973, 0x100),
    (974, 0xb80),
    (975, 0x180),
    (976, 0x700),
    (977, 0xd00),
    (979, 0x200),
    (992, 0x200),
    (993, 0x100),
    (994, 0x200),
    (995, 0x200),
    (996, 0x600),
    (998, 0x200),
];

/// What the plan says about a national number under a country calling code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    Possible,
    /// No country has this calling code.
    UnassignedCode,
    /// The code is assigned; these are the lengths its national numbers may have.
    ImpossibleLength(u32),
}

pub fn check(country_code: &str, national_digits: usize) -> Plan {
    let Ok(code) = country_code.parse::<u16>() else {
        return Plan::UnassignedCode;
    };
    match PLAN.binary_search_by_key(&code, |&(c, _)| c) {
        Err(_) => Plan::UnassignedCode,
        Ok(i) => {
            let lengths = PLAN[i].1;
            if national_digits < 32 && lengths >> national_digits & 1 == 1 {
                Plan::Possible
            } else {
                Plan::ImpossibleLength(lengths)
            }
        }
    }
}

/// The lengths of a [`Plan::ImpossibleLength`] in words: "7 or 10", "8, 9 or 10".
pub fn lengths_text(lengths: u32) -> String {
    let ns: Vec<String> = (0..32)
        .filter(|n| lengths >> n & 1 == 1)
        .map(|n| n.to_string())
        .collect();
    match ns.split_last() {
        None => "no".to_string(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The table is the crate's metadata: every region's possible lengths, over every number type,
    /// gathered by calling code.
    #[test]
    fn the_table_is_libphonenumbers_metadata() {
        let mut from_crate: BTreeMap<u16, u32> = BTreeMap::new();
        for md in phonenumber::metadata::DATABASE.iter() {
            let d = md.descriptors();
            let descs = [
                Some(d.general()),
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.shared_cost(),
                d.personal_number(),
                d.voip(),
                d.pager(),
                d.uan(),
                d.voicemail(),
            ];
            let mask = from_crate.entry(md.country_code()).or_default();
            for desc in descs.into_iter().flatten() {
                for &n in desc.possible_length() {
                    *mask |= 1 << n;
                }
            }
        }
        let table: BTreeMap<u16, u32> = PLAN.iter().copied().collect();
        assert_eq!(table.len(), PLAN.len(), "codes are listed once");
        assert!(
            PLAN.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted for binary search"
        );
        assert_eq!(table, from_crate);
    }

    #[test]
    fn checks_codes_and_lengths() {
        assert_eq!(check("1", 10), Plan::Possible);
        assert_eq!(check("44", 10), Plan::Possible);
        assert_eq!(check("999", 8), Plan::UnassignedCode);
        assert_eq!(check("12", 9), Plan::UnassignedCode);
        assert_eq!(check("120", 8), Plan::UnassignedCode);
        assert_eq!(check("99999", 8), Plan::UnassignedCode);
        assert!(matches!(check("1", 11), Plan::ImpossibleLength(_)));
        let Plan::ImpossibleLength(l) = check("1", 11) else {
            unreachable!()
        };
        assert_eq!(lengths_text(l), "7 or 10");
        assert_eq!(lengths_text(1 << 9), "9");
        assert_eq!(lengths_text(0x700), "8, 9 or 10");
    }
}
