/**
 * `npm run bench:stacks`: each CloudFormation template of the deployment at its largest
 * (test/infra/synth.ts LARGEST_SHAPE), against CloudFormation's limits: resources of the
 * 500 a stack may hold, and bytes of the 1,000,000 a template uploaded to S3 may have.
 * test/infra/stack-limits.test.ts holds each to our budget (300, 500 KB); this prints the figures.
 */
import { LARGEST_SHAPE, removeSynthOutput, synthCaseway } from '../infra/synth.js';
import { SMOKE } from './smoke.js';

const RESOURCE_LIMIT = 500;
const TEMPLATE_LIMIT = 1_000_000;

// Smoke and full runs measure the same thing: a synth takes seconds.
if (SMOKE) console.log('(smoke: the same synth as a full run)');
const s = synthCaseway(LARGEST_SHAPE, { bundle: false });
try {
  console.log('Templates of the largest deployment (console, inbound email, live feed, web ACL, backups, API domain, VPC with endpoints):\n');
  console.log('| template | resources | of 500 | bytes | of 1 MB |');
  console.log('|---|---:|---:|---:|---:|');
  let total = 0;
  for (const [path, template] of s.stacks) {
    const json = template.toJSON() as { Resources: Record<string, unknown> };
    const resources = Object.keys(json.Resources).length;
    const bytes = JSON.stringify(json).length;
    total += resources;
    console.log(
      `| ${path} | ${resources} | ${((resources / RESOURCE_LIMIT) * 100).toFixed(0)} % | ${bytes.toLocaleString('en')} | ${((bytes / TEMPLATE_LIMIT) * 100).toFixed(0)} % |`,
    );
  }
  console.log(`\nAll templates: ${total} resources (the nested stacks count once more, as a resource of their parent).`);
} finally {
  removeSynthOutput();
}
