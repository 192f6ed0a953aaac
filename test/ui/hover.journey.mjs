// Journey 1: open a kubeconfig, hover certificate-authority-data and client-certificate-data.
import { describe, it } from 'node:test';
import { publish } from './fixtures.mjs';
import { hoverJourney } from './hoverJourney.mjs';

describe('journey 1: hover over a kubeconfig', () => {
  it('shows the CA subject and validity, and the client certificate SANs and EKU', async () => {
    const { shots } = await hoverJourney({ label: 'journey1' });
    shots.forEach(publish);
  });
});
