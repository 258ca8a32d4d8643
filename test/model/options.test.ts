/**
 * The delivery choices are one record each (lib/model/options.ts): the flag, the question and
 * the model's check of a field come from the same record, so they cannot disagree.
 */
import assert from 'node:assert/strict';
import { DELIVERY_OPTIONS } from '../../lib/model/options.js';
import { buildQuestions } from '../../lib/model/questions.js';
import { checkModel } from '../../lib/model/validate.js';
import type { StackModel } from '../../lib/model/types.js';
import { K8S_MODELS } from '../helpers/k8s-models.js';

const model = K8S_MODELS.shop!;
const deliveryProblems = (delivery: Record<string, unknown>) => checkModel({ ...model, delivery } as StackModel, '/nonexistent').filter((p) => p.startsWith('delivery'));
const questions = buildQuestions({ merged: model as never, answered: model as never, askAnswered: true });

describe('delivery options: one record per field', () => {
  it('every field has a record, an example the model accepts, and a value it refuses naming the field', () => {
    for (const o of DELIVERY_OPTIONS) {
      const good = o.type === 'boolean' ? true : o.field === 'rootService' ? 'web' : o.example;
      assert.deepEqual(deliveryProblems({ [o.field]: good }), [], `${o.field}=${String(good)}`);
      if (o.field === 'rootService') continue;
      const bad = o.type === 'boolean' ? 'yes' : 'Not Valid!';
      assert.match(deliveryProblems({ [o.field]: bad }).join('\n'), new RegExp(`^delivery\\.${o.field}: `), `${o.field}=${bad} is refused`);
    }
  });

  it('a question asks each field that has one, and refuses what the model refuses', () => {
    for (const o of DELIVERY_OPTIONS.filter((x) => x.message)) {
      const q = questions.find((x) => x.field === `delivery.${o.field}`);
      assert.ok(q, `a question for ${o.field}`);
      assert.equal(q!.message, o.message);
      if (o.type === 'string') {
        assert.equal(q!.validate!(o.example), true, `${o.field}: the example`);
        assert.equal(q!.validate!(''), true, `${o.field}: empty keeps the derived default`);
        if (o.choices || o.check) assert.notEqual(q!.validate!('Not Valid!'), true, `${o.field}: refused`);
      }
    }
    assert.equal(questions.filter((q) => q.field.startsWith('delivery.')).length, DELIVERY_OPTIONS.filter((o) => o.message).length);
  });

  it('flags are unique and kebab-case; booleans are confirms', () => {
    const flags = DELIVERY_OPTIONS.flatMap((o) => (o.flag ? [o.flag] : []));
    assert.equal(new Set(flags).size, flags.length);
    for (const f of flags) assert.match(f, /^[a-z]+(-[a-z]+)*$/);
    for (const o of DELIVERY_OPTIONS.filter((x) => x.type === 'boolean' && x.message)) assert.equal(questions.find((q) => q.field === `delivery.${o.field}`)!.type, 'confirm');
  });
});
