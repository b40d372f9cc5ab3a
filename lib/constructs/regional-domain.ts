/**
 * An API on a domain of an enterprise's own: an API Gateway regional custom domain (TLS 1.2, the
 * certificate in the stack's region) with a stage mapped at its root. The HTTP API and the live
 * feed's WebSocket API each take one.
 */
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type { Construct } from 'constructs';

export interface CustomDomain {
  readonly domainName: string;
  readonly certificateArn: string;
}

/** The domain, made in `scope` under the ids `DomainName`, `Certificate` and `DomainMapping`; point DNS at its `regionalDomainName`. */
export function mapRegionalDomain(scope: Construct, domain: CustomDomain, api: apigw.IApi, stage: apigw.IStage): apigw.DomainName {
  const domainName = new apigw.DomainName(scope, 'DomainName', {
    domainName: domain.domainName,
    certificate: acm.Certificate.fromCertificateArn(scope, 'Certificate', domain.certificateArn),
    endpointType: apigw.EndpointType.REGIONAL,
    securityPolicy: apigw.SecurityPolicy.TLS_1_2,
  });
  new apigw.ApiMapping(scope, 'DomainMapping', { api, domainName, stage });
  return domainName;
}
