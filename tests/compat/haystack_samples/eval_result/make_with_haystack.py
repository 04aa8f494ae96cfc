# Made these files with farm-haystack 1.26.4: python make_with_haystack.py document_search (then rename the *_qa folder to qa).
import json
import sys

from haystack.document_stores import InMemoryDocumentStore
from haystack.nodes import TfidfRetriever
from haystack.pipelines import DocumentSearchPipeline
from haystack.schema import Answer, Document, Label, MultiLabel, Span

docs=[Document(content=f"My name is {n} and I live in {c}", meta={"name": f}) for n,c,f in [("Paul","New York","filename2"),("Carla","Berlin","filename1"),("Christelle","Paris","filename3"),("Camila","Madrid","filename4"),("Matteo","Rome","filename5")]]
store=InMemoryDocumentStore(use_bm25=False); store.write_documents(docs)
r=TfidfRetriever(document_store=store)
def ml(q, ans, doc):
    a = Answer(answer=ans, offsets_in_context=[Span(11,16)]) if ans else None
    return MultiLabel(labels=[Label(query=q, answer=a, document=doc, is_correct_answer=True, is_correct_document=True, origin="gold-label")])
EVAL=[ml("Who lives in Berlin?", "Carla", Document(content="My name is Carla and I live in Berlin", id="a0747b83aea0b60c4b114b15476dd32d")),
      ml("Who lives in Munich?", "Carla", Document(content="My name is Carla and I live in Munich", id="something_else"))]
p=DocumentSearchPipeline(r)
res=p.eval(EVAL, params={"Retriever":{"top_k":5}}, context_matching_min_length=20)
res.save(sys.argv[1])
out={}
for scope in ["document_id","context","document_id_and_context","document_id_or_context","answer","document_id_or_answer"]:
    out[scope]=res.calculate_metrics(document_scope=scope)["Retriever"]
with open(sys.argv[1] + "/../haystack_metrics.json", "w") as f:
    json.dump(out, f, indent=1)
print(res["Retriever"].columns.tolist())

from haystack.nodes.base import BaseComponent
from haystack.pipelines import Pipeline


class NameReader(BaseComponent):
    outgoing_edges = 1
    def run(self, query, documents, top_k=None):
        answers=[]
        for d in documents[:3]:
            name=d.content.split()[3]
            start=d.content.index(name)
            answers.append(Answer(answer=name, type="extractive", score=0.9-0.1*len(answers), context=d.content, offsets_in_document=[Span(start,start+len(name))], offsets_in_context=[Span(start,start+len(name))], document_ids=[d.id], meta=d.meta))
        return {"answers": answers}, "output_1"
    def run_batch(self, **kw): raise NotImplementedError
qa=Pipeline(); qa.add_node(r, "Retriever", ["Query"]); qa.add_node(NameReader(), "Reader", ["Retriever"])
res=qa.eval(EVAL, params={"Retriever":{"top_k":5}}, context_matching_min_length=20)
res.save(sys.argv[1]+"_qa")
out={}
for scope in ["any","context","document_id","document_id_and_context"]:
    out[scope]=res.calculate_metrics(answer_scope=scope)
out["top1"]=res.calculate_metrics(simulated_top_k_reader=1)
out["ret2"]=res.calculate_metrics(simulated_top_k_retriever=2)
with open(sys.argv[1] + "/../haystack_qa_metrics.json", "w") as f:
    json.dump(out, f, indent=1)
print(res["Reader"].columns.tolist())
