// The rules of the knowledge base that need no storage: article
// validation, and turning what users type into SQLite FTS5 queries.
#ifndef CRM_SERVICES_SERVICEDESK_KNOWLEDGE_RULES_H_
#define CRM_SERVICES_SERVICEDESK_KNOWLEDGE_RULES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/errors.h"
#include "crm/servicedesk/v1/knowledge.pb.h"

namespace crm::servicedesk {

void ValidateArticle(const v1::KnowledgeArticle& article, const std::string& path, Violations* out);

// An FTS5 query in which every word of `text` must occur (a trailing "*"
// matches a prefix). Each word is quoted, so nothing the user types is FTS
// syntax. INVALID_ARGUMENT naming `field` when there is no word, more than
// 20, or the text is longer than 500 characters.
absl::StatusOr<std::string> AllWordsQuery(const std::string& text, const std::string& field);

// An FTS5 query matching any of the distinct words of `text` (three
// letters or more, not the most common English ones, at most 40); empty
// when there is none.
std::string AnyWordQuery(const std::string& text);

// The distinct words of `text` AnyWordQuery uses, lower-cased, in order.
std::vector<std::string> TellingWords(const std::string& text);

// An FTS5 query matching any of `words`, each quoted.
std::string AnyOfWords(const std::vector<std::string>& words);

// At most `keep` of `words`, the rarest first by `documents_with` (how many
// of the `documents` indexed articles hold each; unknown words count as
// none), without those in more than a fifth of the articles once three are
// kept: common words match most articles and cost most to rank.
std::vector<std::string> RarestWords(const std::vector<std::string>& words,
                                     const std::map<std::string, int64_t>& documents_with,
                                     int64_t documents, size_t keep);

// How a suggestion ranks: the text match (`match`, higher is better),
// raised by the tickets the article solved and by being about the
// ticket's product.
double SuggestionScore(double match, int solved_count, bool about_product);

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_KNOWLEDGE_RULES_H_
