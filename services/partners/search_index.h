// The full-text index of partners (SQLite FTS5): what it holds for each
// partner, and how a user's search words become an FTS5 query.
//
// Columns: names, e-mail addresses, phone numbers, cities and postal codes,
// text custom fields. The unicode61 tokenizer with remove_diacritics folds
// case and accents ("muller" finds "Müller"). Phone numbers are indexed as
// their digits and every ending of at least five digits, so "030 123456",
// "+49 30 123456" and "123456" all find "+4930123456".
#ifndef CRM_SERVICES_PARTNERS_SEARCH_INDEX_H_
#define CRM_SERVICES_PARTNERS_SEARCH_INDEX_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/db/database.h"
#include "crm/partners/v1/partner.pb.h"

namespace crm::partners {

inline constexpr size_t kMaxSearchQueryChars = 200;
inline constexpr int kMaxSearchWords = 10;

// The table and its key map; part of a migration.
extern const char kSearchIndexSchema[];

// Adds or replaces the index entry of a partner.
void IndexPartner(db::Connection& c, const std::string& id, const v1::Partner& partner);
// Removes it (before the partner row goes).
void UnindexPartner(db::Connection& c, const std::string& id);
// Indexes every partner; for the migration that creates the index.
void IndexAllPartners(db::Connection& c);

// The FTS5 query for what a user typed: every word must match (the last one
// also as a prefix); a word of digits also matches phone numbers. Blank,
// overlong or wordless text is INVALID_ARGUMENT for `field`.
absl::StatusOr<std::string> SearchQueryFor(absl::string_view text, absl::string_view field);

// The rank expression of a match, smaller is better; names weigh most.
extern const char kSearchRankSql[];

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_SEARCH_INDEX_H_
