#include "services/sales/catalog_service.h"

#include "absl/strings/str_cat.h"
#include "common/api/filter.h"
#include "common/server/resource_handlers.h"
#include "services/sales/catalog_validation.h"
#include "services/sales/schema.h"

namespace crm::sales {
namespace {

using server::CallContext;
using server::ResourceKind;

const ResourceKind<v1::TaxClass>& TaxClasses() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::TaxClass>;
    k->table = &TaxClassTable();
    k->field = "tax_class";
    k->validate = ValidateTaxClass;
    k->check_delete = [](db::Connection& c, const v1::TaxClass& tax_class) -> absl::Status {
      if (c.QueryInt64("SELECT count(*) FROM products WHERE tax_class = ?1", {tax_class.name()}) >
          0) {
        return FailedPrecondition("IN_USE", tax_class.name(),
                                  "products refer to this tax class; move them to another first");
      }
      return absl::OkStatus();
    };
    return k;
  }();
  return *kind;
}

const ResourceKind<v1::Product>& Products() {
  static const auto* kind = [] {
    auto* k = new ResourceKind<v1::Product>;
    k->table = &ProductTable();
    k->field = "product";
    k->normalize = [](v1::Product* product) {
      if (product->state() == v1::PRODUCT_STATE_UNSPECIFIED) {
        product->set_state(v1::PRODUCT_STATE_ACTIVE);
      }
    };
    k->validate = ValidateProduct;
    k->check_stored = [](db::Connection& c, const v1::Product*,
                         const v1::Product& product) -> absl::Status {
      const std::string id = product.tax_class().substr(product.tax_class().find('/') + 1);
      if (!TaxClassTable().Exists(c, id)) return NotFound(product.tax_class());
      return absl::OkStatus();
    };
    return k;
  }();
  return *kind;
}

const std::vector<api::FilterField>& ProductFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"product_group", api::FieldType::kString, "product_group", {}},
      {"state", api::FieldType::kEnum, "state",
       api::EnumFilterValues(v1::ProductState_descriptor())},
      {"tax_class", api::FieldType::kString, "tax_class", {}},
      {"display_name", api::FieldType::kString, "display_name", {}},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
      {"update_time", api::FieldType::kTimestamp, "update_time", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& ProductOrderFields() {
  static const auto* fields = new std::vector<api::OrderField>{
      {"display_name", "display_name", false},
      {"create_time", "create_time", true},
      {"update_time", "update_time", true},
  };
  return *fields;
}

const api::OrderKey kById{"id", false, false};

}  // namespace

grpc::ServerUnaryReactor* CatalogService::CreateTaxClass(grpc::CallbackServerContext* context,
                                                         const v1::CreateTaxClassRequest* request,
                                                         v1::TaxClass* response) {
  return server::RunUnary(runtime_, context, "CreateTaxClass", request, response,
                          [this](const CallContext& call, const v1::CreateTaxClassRequest& req,
                                 v1::TaxClass* resp) {
                            return server::CreateResource(
                                runtime_, call, TaxClasses(), req.tax_class_id(), "tax_class_id",
                                req.has_tax_class() ? &req.tax_class() : nullptr, "", req, resp);
                          });
}

grpc::ServerUnaryReactor* CatalogService::GetTaxClass(grpc::CallbackServerContext* context,
                                                      const v1::GetTaxClassRequest* request,
                                                      v1::TaxClass* response) {
  return server::RunUnary(
      runtime_, context, "GetTaxClass", request, response,
      [this](const CallContext&, const v1::GetTaxClassRequest& req, v1::TaxClass* resp) {
        return server::GetResource(runtime_, TaxClasses(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* CatalogService::ListTaxClasses(grpc::CallbackServerContext* context,
                                                         const v1::ListTaxClassesRequest* request,
                                                         v1::ListTaxClassesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListTaxClasses", request, response,
      [this](const CallContext&, const v1::ListTaxClassesRequest& req,
             v1::ListTaxClassesResponse* resp) {
        server::ListQuery query;
        query.page_size = req.page_size();
        query.page_token = req.page_token();
        query.order.keys = {kById};
        return server::ListResources(runtime_, TaxClasses(), query, resp->mutable_tax_classes(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* CatalogService::UpdateTaxClass(grpc::CallbackServerContext* context,
                                                         const v1::UpdateTaxClassRequest* request,
                                                         v1::TaxClass* response) {
  return server::RunUnary(
      runtime_, context, "UpdateTaxClass", request, response,
      [this](const CallContext& call, const v1::UpdateTaxClassRequest& req, v1::TaxClass* resp) {
        return server::UpdateResource(runtime_, call, TaxClasses(),
                                      req.has_tax_class() ? &req.tax_class() : nullptr,
                                      req.update_mask(), resp);
      });
}

grpc::ServerUnaryReactor* CatalogService::DeleteTaxClass(grpc::CallbackServerContext* context,
                                                         const v1::DeleteTaxClassRequest* request,
                                                         google::protobuf::Empty* response) {
  return server::RunUnary(runtime_, context, "DeleteTaxClass", request, response,
                          [this](const CallContext& call, const v1::DeleteTaxClassRequest& req,
                                 google::protobuf::Empty*) {
                            return server::DeleteResource(runtime_, call, TaxClasses(), req.name(),
                                                          req.etag());
                          });
}

grpc::ServerUnaryReactor* CatalogService::CreateProduct(grpc::CallbackServerContext* context,
                                                        const v1::CreateProductRequest* request,
                                                        v1::Product* response) {
  return server::RunUnary(runtime_, context, "CreateProduct", request, response,
                          [this](const CallContext& call, const v1::CreateProductRequest& req,
                                 v1::Product* resp) {
                            return server::CreateResource(
                                runtime_, call, Products(), req.product_id(), "product_id",
                                req.has_product() ? &req.product() : nullptr, "", req, resp);
                          });
}

grpc::ServerUnaryReactor* CatalogService::GetProduct(grpc::CallbackServerContext* context,
                                                     const v1::GetProductRequest* request,
                                                     v1::Product* response) {
  return server::RunUnary(
      runtime_, context, "GetProduct", request, response,
      [this](const CallContext&, const v1::GetProductRequest& req, v1::Product* resp) {
        return server::GetResource(runtime_, Products(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* CatalogService::ListProducts(grpc::CallbackServerContext* context,
                                                       const v1::ListProductsRequest* request,
                                                       v1::ListProductsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListProducts", request, response,
      [this](const CallContext&, const v1::ListProductsRequest& req,
             v1::ListProductsResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query =
            server::FilteredListQuery(req.page_size(), req.page_token(), req.filter(),
                                      req.order_by(), ProductFilterFields(), ProductOrderFields(), "");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, Products(), *query, resp->mutable_products(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* CatalogService::UpdateProduct(grpc::CallbackServerContext* context,
                                                        const v1::UpdateProductRequest* request,
                                                        v1::Product* response) {
  return server::RunUnary(
      runtime_, context, "UpdateProduct", request, response,
      [this](const CallContext& call, const v1::UpdateProductRequest& req, v1::Product* resp) {
        return server::UpdateResource(runtime_, call, Products(),
                                      req.has_product() ? &req.product() : nullptr,
                                      req.update_mask(), resp);
      });
}

}  // namespace crm::sales
