// Test support for the sales service tests: the sales service in-process
// over a real channel and a real SQLite file, with a real partners service
// beside it (or, when `partners_up` is false, pointed at a loopback port
// nobody listens on). Fixtures derive from it and add their stubs.
#ifndef CRM_SERVICES_SALES_TESTS_SALES_BESIDE_PARTNERS_H_
#define CRM_SERVICES_SALES_TESTS_SALES_BESIDE_PARTNERS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/feed_reader.h"
#include "common/testing/process_harness.h"
#include "common/testing/service_fixture.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/pricing.pb.h"
#include "services/partners/partners_spec.h"
#include "services/sales/sales_spec.h"

namespace crm::sales::testing {

class SalesBesidePartners {
 public:
  explicit SalesBesidePartners(bool partners_up = true) {
    server::ServiceSpec spec = SalesSpec();
    if (partners_up) {
      partners_ = std::make_unique<crm::testing::InProcessService>(partners::PartnersSpec());
      partner_stub_ = partners::v1::PartnerService::NewStub(partners_->channel());
      spec.defaults.peers["partners"] = partners_->address();
    } else {
      spec.defaults.peers["partners"] = absl::StrCat("127.0.0.1:", crm::testing::FreePort());
    }
    sales_ = std::make_unique<crm::testing::InProcessService>(spec);
    feed_ = std::make_unique<crm::testing::FeedReader>(sales_->channel());
  }

  // Shuts the partners service down; sales keeps running.
  void StopPartners() {
    partner_stub_.reset();
    partners_.reset();
  }

  // The sales service's change feed.
  int64_t HeadSequence() { return feed_->HeadSequence(); }
  feed::v1::ListChangesResponse ChangesAfter(int64_t sequence, int page_size = 1000) {
    return feed_->ChangesAfter(sequence, page_size);
  }
  std::vector<std::string> DescribeChangesAfter(int64_t sequence) {
    return feed_->DescribeChangesAfter(sequence);
  }

 protected:
  std::unique_ptr<crm::testing::InProcessService> partners_;
  std::unique_ptr<partners::v1::PartnerService::Stub> partner_stub_;
  std::unique_ptr<crm::testing::InProcessService> sales_;
  std::unique_ptr<crm::testing::FeedReader> feed_;
};

// The sources of the conditions applied to an item, in order.
inline std::vector<std::string> Sources(const v1::PricedItem& item) {
  std::vector<std::string> sources;
  for (const auto& applied : item.conditions()) sources.push_back(applied.source());
  return sources;
}

}  // namespace crm::sales::testing

#endif  // CRM_SERVICES_SALES_TESTS_SALES_BESIDE_PARTNERS_H_
