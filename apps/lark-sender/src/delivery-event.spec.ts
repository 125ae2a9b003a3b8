import { deliveryIdOf } from './delivery-event';

describe('deliveryIdOf', () => {
  it('gives a final outcome one id per notification and outcome, so downstream keeps a republished one once', () => {
    expect(deliveryIdOf('n1', 'delivered')).toBe(deliveryIdOf('n1', 'delivered'));
    expect(deliveryIdOf('n1', 'failed')).toBe('failed-n1');
    expect(deliveryIdOf('n1', 'delivered')).not.toBe(deliveryIdOf('n2', 'delivered'));
  });

  it('keeps a dead-lettered notification delivered after a replay apart from its dead-lettering', () => {
    expect(deliveryIdOf('n1', 'dead-lettered')).not.toBe(deliveryIdOf('n1', 'delivered'));
  });

  it('gives every retry an id of its own', () => {
    expect(deliveryIdOf('n1', 'retrying')).not.toBe(deliveryIdOf('n1', 'retrying'));
  });
});
