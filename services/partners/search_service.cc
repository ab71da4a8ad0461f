// PartnersService: full-text search over partners.
#include "absl/strings/str_cat.h"
#include "common/api/filter.h"
#include "common/api/paging.h"
#include "services/partners/partner_store.h"
#include "services/partners/partners_service.h"
#include "services/partners/search_index.h"

namespace crm::partners {
namespace {

using server::CallContext;

constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
// Ranked results are paged by position; deep positions cost a scan of all
// the better ones, so only the best are reachable.
constexpr int kMaxReachableResults = 1000;

const api::OrderBy& OffsetOrder() {
  static const auto* order = new api::OrderBy{{{"offset", false, true}}};
  return *order;
}

}  // namespace

grpc::ServerUnaryReactor* PartnersService::SearchPartners(
    grpc::CallbackServerContext* context, const v1::SearchPartnersRequest* request,
    v1::SearchPartnersResponse* response) {
  return server::RunUnary(
      runtime_, context, "SearchPartners", request, response,
      [this](const CallContext&, const v1::SearchPartnersRequest& req,
             v1::SearchPartnersResponse* resp) -> absl::Status {
        Violations violations;
        if (req.query().empty()) violations.Add("query", "is required");
        absl::StatusOr<std::string> match = SearchQueryFor(req.query(), "query");
        if (!req.query().empty() && !match.ok()) violations.AddAll(match.status());
        absl::StatusOr<int> page_size =
            api::EffectivePageSize(req.page_size(), kDefaultPageSize, kMaxPageSize);
        if (!page_size.ok()) violations.AddAll(page_size.status());
        const std::string fingerprint = absl::StrCat(req.query(), "\n", req.filter());
        absl::StatusOr<std::vector<db::SqlValue>> after =
            api::DecodePageToken(req.page_token(), fingerprint, OffsetOrder());
        if (!after.ok()) violations.AddAll(after.status());
        if (!violations.empty()) return violations.ToStatus();
        const int offset = after->empty() ? 0 : static_cast<int>(std::get<int64_t>((*after)[0]));
        if (offset < 0 || offset >= kMaxReachableResults) {
          return InvalidField("page_token", "is not a token of this search");
        }
        const int limit = std::min(*page_size, kMaxReachableResults - offset);
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          absl::StatusOr<db::SqlFragment> where =
              api::CompileFilter(req.filter(), PartnerFilterFields(c));
          if (!where.ok()) return where.status();
          std::vector<SearchHit> hits = partners::SearchPartners(c, *match, *where, offset, limit);
          const bool more = static_cast<int>(hits.size()) > limit;
          if (more) hits.pop_back();
          for (SearchHit& hit : hits) {
            v1::PartnerSearchResult& result = *resp->add_results();
            *result.mutable_partner() = std::move(hit.partner);
            result.set_relevance(hit.relevance);
          }
          if (more && offset + limit < kMaxReachableResults) {
            resp->set_next_page_token(
                api::EncodePageToken(fingerprint, {static_cast<int64_t>(offset + limit)}));
          }
          return absl::OkStatus();
        });
      });
}

}  // namespace crm::partners
