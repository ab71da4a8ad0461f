// Duplicate detection: how alike a draft and an existing partner are, and
// which partners to compare a draft with. Pure functions, no I/O.
//
// The score combines independent pieces of evidence as a noisy-OR,
// 1 - (1 - w1)(1 - w2)..., so each one raises it and none alone reaches 1:
// a shared e-mail weighs 0.8, a bank account 0.8, a phone 0.7, the name up
// to 0.6 (its similarity to the fourth power, so only near-identical names
// count much), and, scaled by the name's similarity, the same city 0.2 and
// the same birth date 0.5. Same name and city: 0.68; plus the same e-mail:
// 0.94.
#ifndef CRM_SERVICES_PARTNERS_DUPLICATES_H_
#define CRM_SERVICES_PARTNERS_DUPLICATES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "crm/partners/v1/duplicate.pb.h"
#include "crm/partners/v1/partner.pb.h"

namespace crm::partners {

// At or above this, CreatePartner refuses a draft as a duplicate.
inline constexpr double kVeryLikelyDuplicate = 0.8;
// Default least score that CheckPartnerDuplicates reports.
inline constexpr double kLikelyDuplicate = 0.4;

// Lower case, Latin accents removed ("Müller" → "muller", "ß" → "ss"),
// anything but letters and digits turned into single spaces, trimmed.
std::string FoldForComparison(absl::string_view text);

// Jaro-Winkler similarity of two strings, from 0 (nothing alike) to 1
// (equal).
double JaroWinkler(absl::string_view a, absl::string_view b);

// The name of a partner as compared: folded, without legal forms such as
// "GmbH" or "Inc", words sorted (so "Schmidt Anna" is "Anna Schmidt").
std::string ComparableName(const v1::Partner& partner);

// Scores `existing` (complete, with name) against `draft` (normalised).
v1::DuplicateCandidate ScoreDuplicate(const v1::Partner& draft, const v1::Partner& existing);

// The FTS5 query that finds candidates for `draft`: partners whose names
// share the start of every name word, or that share an e-mail address or a
// phone number. Empty when the draft has nothing to search by.
std::string DuplicateCandidateQuery(const v1::Partner& draft);

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_DUPLICATES_H_
