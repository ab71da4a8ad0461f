// PartnersService: the duplicate check, on its own and before a create.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/partners/duplicates.h"
#include "services/partners/partner_store.h"
#include "services/partners/partner_validation.h"
#include "services/partners/partners_service.h"

namespace crm::partners {
namespace {

using server::CallContext;

// Partners compared in full with a draft: the best name, e-mail and phone
// matches of the index.
constexpr int kMaxComparedCandidates = 400;
constexpr int kDefaultMaxCandidates = 10;
constexpr int kMaxCandidates = 50;

std::string ReasonText(v1::DuplicateReason reason) {
  switch (reason) {
    case v1::DUPLICATE_REASON_SAME_EMAIL:
      return "same e-mail";
    case v1::DUPLICATE_REASON_SAME_PHONE:
      return "same phone";
    case v1::DUPLICATE_REASON_SAME_BANK_ACCOUNT:
      return "same bank account";
    case v1::DUPLICATE_REASON_SIMILAR_NAME:
      return "similar name";
    case v1::DUPLICATE_REASON_SAME_CITY:
      return "same city";
    case v1::DUPLICATE_REASON_SAME_BIRTH_DATE:
      return "same birth date";
    default:
      return "unknown";
  }
}

}  // namespace

std::vector<v1::DuplicateCandidate> FindDuplicates(db::Connection& c, const v1::Partner& draft,
                                                   double min_score, int max_candidates) {
  std::vector<v1::DuplicateCandidate> found;
  std::set<std::string> compared;
  auto compare = [&](const v1::Partner& existing) {
    if (!compared.insert(existing.name()).second) return;
    v1::DuplicateCandidate candidate = ScoreDuplicate(draft, existing);
    if (candidate.score() >= min_score) found.push_back(std::move(candidate));
  };
  for (const v1::BankAccount& account : draft.bank_accounts()) {
    for (const v1::Partner& existing :
         PartnersWithIban(c, account.iban(), draft.category(), kMaxComparedCandidates)) {
      compare(existing);
    }
  }
  const std::string query = DuplicateCandidateQuery(draft);
  if (!query.empty()) {
    const db::SqlFragment same_category{"p.category = ?", {int64_t{draft.category()}}};
    for (SearchHit& hit : SearchPartners(c, query, same_category, 0, kMaxComparedCandidates)) {
      compare(hit.partner);
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.score() > b.score();
  });
  if (static_cast<int>(found.size()) > max_candidates) found.resize(max_candidates);
  return found;
}

absl::Status RefuseLikelyDuplicate(db::Connection& c, const v1::Partner& draft) {
  std::vector<v1::DuplicateCandidate> found = FindDuplicates(c, draft, kVeryLikelyDuplicate, 1);
  if (found.empty()) return absl::OkStatus();
  const v1::DuplicateCandidate& best = found.front();
  std::vector<std::string> reasons;
  for (int reason : best.reasons()) reasons.push_back(ReasonText(v1::DuplicateReason(reason)));
  return AlreadyExists(
      best.partner().name(),
      absl::StrCat("very likely the same as ", best.partner().name(), " (\"",
                   best.partner().display_name(), "\", score ",
                   absl::StrFormat("%.2f", best.score()), ": ", absl::StrJoin(reasons, ", "),
                   "); set skip_duplicate_check to create it anyway"));
}

grpc::ServerUnaryReactor* PartnersService::CheckPartnerDuplicates(
    grpc::CallbackServerContext* context, const v1::CheckPartnerDuplicatesRequest* request,
    v1::CheckPartnerDuplicatesResponse* response) {
  return server::RunUnary(
      runtime_, context, "CheckPartnerDuplicates", request, response,
      [this](const CallContext& call, const v1::CheckPartnerDuplicatesRequest& req,
             v1::CheckPartnerDuplicatesResponse* resp) -> absl::Status {
        Violations violations;
        if (!req.has_partner()) violations.Add("partner", "is required");
        v1::Partner draft = req.partner();
        NormalizePartner(&draft, /*clear_output_only=*/true);
        if (req.has_partner()) {
          ValidatePartner(draft, "partner", absl::ToCivilDay(call.now, absl::UTCTimeZone()),
                          &violations);
        }
        if (!(req.min_score() >= 0.0 && req.min_score() <= 1.0)) {
          violations.Add("min_score", "must be from 0 to 1");
        }
        if (req.max_candidates() < 0) violations.Add("max_candidates", "must not be negative");
        if (!violations.empty()) return violations.ToStatus();
        draft.set_display_name(DisplayName(draft));
        const double min_score = req.min_score() == 0.0 ? kLikelyDuplicate : req.min_score();
        const int max_candidates =
            req.max_candidates() == 0 ? kDefaultMaxCandidates
                                      : std::min(req.max_candidates(), kMaxCandidates);
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          for (v1::DuplicateCandidate& candidate :
               FindDuplicates(c, draft, min_score, max_candidates)) {
            *resp->add_candidates() = std::move(candidate);
          }
          return absl::OkStatus();
        });
      });
}

}  // namespace crm::partners
