/** The narrative templates: each section a heading with a short hint of what belongs there. */
export const TEMPLATES = ['strategy', 'prfaq', 'qbr', 'blank'] as const
export type TemplateKey = (typeof TEMPLATES)[number]

export interface TemplateSection {
  heading: string
  hint: string
}

export interface TemplateDefinition {
  key: TemplateKey
  name: string
  description: string
  sections: TemplateSection[]
}

export const TEMPLATE_DEFINITIONS: Record<TemplateKey, TemplateDefinition> = {
  strategy: {
    key: 'strategy',
    name: 'Strategy narrative',
    description: 'The full case for a plan: why, what it needs from the stack, and how success is measured.',
    sections: [
      { heading: 'Summary', hint: 'The plan in three sentences: what we will do, why now, and what it will move.' },
      { heading: 'Background', hint: 'Where we are today: the market, our numbers, what we tried and learned.' },
      { heading: 'Business justification', hint: 'Why this is worth the money and the people: expected impact on revenue and pipeline.' },
      {
        heading: 'Goals and metrics',
        hint: 'The shared metrics this plan commits to move, with baselines, targets and dates. Include a leading indicator.',
      },
      {
        heading: 'Requirements and feasibility',
        hint: 'What the plan needs from the tech stack: capabilities, systems, data flows and data quality.',
      },
      { heading: 'Risks', hint: 'What could stop this, how likely it is, and what we will do about it.' },
      { heading: 'Opportunities', hint: 'What else this unlocks if it works.' },
      { heading: 'Asks', hint: 'The decisions, budget and people we need, and from whom.' },
    ],
  },
  prfaq: {
    key: 'prfaq',
    name: 'PR/FAQ',
    description: 'Work backwards from the launch: the press release, then the questions customers and colleagues will ask.',
    sections: [
      {
        heading: 'Press release',
        hint: 'Announce the outcome as if it had shipped: headline, who it is for, the problem, the solution, a customer quote.',
      },
      { heading: 'Customer FAQ', hint: 'The questions a customer would ask, answered plainly.' },
      {
        heading: 'Internal FAQ',
        hint: 'The questions sales, finance and leadership will ask: cost, risks, dependencies, how we will measure it.',
      },
    ],
  },
  qbr: {
    key: 'qbr',
    name: 'Quarterly business review',
    description: 'The quarter in review: results against targets, what we learned, and the plan for next quarter.',
    sections: [
      { heading: 'Highlights', hint: 'The three things leadership should remember from this quarter.' },
      { heading: 'Results against targets', hint: 'Each shared metric against its target, leading and lagging side by side.' },
      { heading: 'What worked and what did not', hint: 'Blame-free: what we learned and what we will change.' },
      { heading: 'Pipeline and revenue', hint: 'Marketing-sourced and influenced pipeline, conversion through the funnel, revenue.' },
      { heading: 'Next quarter', hint: 'Priorities, commitments and the asks that go with them.' },
    ],
  },
  blank: {
    key: 'blank',
    name: 'Blank',
    description: 'An empty document.',
    sections: [],
  },
}
