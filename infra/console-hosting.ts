// The staff console on AWS: its built files in a private bucket read only by CloudFront (origin
// access control), the HTTP API behind the same distribution at /api/* so the browser talks to
// one origin and no CORS rule can be wrong, security headers on every answer, access logs kept.
// A nested stack: the main stack stays under CloudFormation's 500 resources.
import { Duration, NestedStack, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** Where the console lives on the distribution; the same path the local stack serves it at. */
export const consolePath = '/console/';
/** The API's path prefix on the distribution; the console is built with VITE_API_BASE=/api. */
export const apiPath = '/api/';

export interface ConsoleHostingProps {
  httpApi: apigwv2.HttpApi;
  /** Server access logs of the console bucket and of the CloudFront log bucket go here. */
  accessLogsBucket: s3.IBucket;
  /** Origins the console's scripts may reach beyond its own: the upload bucket, the sign-in token endpoint. */
  connectOrigins: string[];
  /** Countries (ISO 3166-1 alpha-2) allowed to reach the console and the API through it. */
  allowedCountries: string[];
}

/**
 * Viewer-request routing (CloudFront Functions, JavaScript 2.0 runtime): `/api/x` goes to the
 * API as `/x`; a console route without a file extension gets the single-page app's index.html;
 * `/` goes to the console.
 */
export const viewerRequest = `async function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.startsWith('${apiPath}')) { request.uri = uri.substring(${apiPath.length - 1}); return request; }
  if (uri === '/') return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '${consolePath}' } } };
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (uri.startsWith('${consolePath}') && last.indexOf('.') === -1) request.uri = '${consolePath}index.html';
  return request;
}`;

export class ConsoleHosting extends NestedStack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const secure = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: props.accessLogsBucket,
    } satisfies s3.BucketProps;
    // Built files: replaced on each release (`aws s3 sync --delete`), old versions kept 30 days for a rollback.
    this.bucket = new s3.Bucket(this, 'ConsoleBucket', {
      ...secure,
      serverAccessLogsPrefix: 'console/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    // CloudFront's standard logs are delivered with ACLs: this bucket alone lets the object writer own them.
    this.logBucket = new s3.Bucket(this, 'CloudFrontLogBucket', {
      ...secure,
      serverAccessLogsPrefix: 'cloudfront-logs/',
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Tuodi console: the same headers the local stack sends, plus HSTS',
      securityHeadersBehavior: {
        // antd writes its styles into <style> elements at run time: style-src needs 'unsafe-inline'.
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            `connect-src 'self' ${props.connectOrigins.join(' ')}`.trim(),
            "frame-ancestors 'none'",
            "base-uri 'self'",
          ].join('; '),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    const routing = new cloudfront.Function(this, 'ViewerRequestRouting', {
      code: cloudfront.FunctionCode.fromInline(viewerRequest),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Tuodi: /api/* to the HTTP API without the prefix, console routes to index.html',
    });
    const viewerRequestFunction = [{ function: routing, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }];

    const region = Stack.of(this).region;
    const apiDomain = `${props.httpApi.apiId}.execute-api.${region}.${Stack.of(this).urlSuffix}`;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Tuodi staff console and its API',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: viewerRequestFunction,
      },
      additionalBehaviors: {
        [`${apiPath}*`]: {
          origin: new origins.HttpOrigin(apiDomain, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          // Nothing of the API is cached. With caching off, this policy forwards Authorization and
          // every viewer header but Host, which API Gateway needs to be its own.
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
          functionAssociations: viewerRequestFunction,
        },
      },
      geoRestriction: cloudfront.GeoRestriction.allowlist(...props.allowedCountries),
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'distribution/',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF web ACL: one for CloudFront must live in us-east-1 (a second stack); sign-in, the JWT authorizer and per-route throttles guard the API. A deployment facing the open internet adds a web ACL (AWS managed rules, rate limit) from us-east-1.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate lets CloudFront negotiate TLSv1 whatever the minimum says; a deployment with its own domain attaches an ACM certificate (us-east-1) and then TLSv1.2_2021 applies.',
      },
    );
  }
}
